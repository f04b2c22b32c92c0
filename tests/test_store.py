import os
import stat

from factfinder.store import EvidenceStore, sha256_bytes


def test_put_is_content_addressed_and_idempotent(tmp_path):
    store = EvidenceStore(tmp_path)
    sha = store.put(b"testimony")
    assert sha == sha256_bytes(b"testimony")
    path = store.path_for(sha)
    assert path.read_bytes() == b"testimony"
    assert path.parent.name == sha[:2] and path.parent.parent.name == "sha256"
    mtime = path.stat().st_mtime_ns
    assert store.put(b"testimony") == sha
    assert path.stat().st_mtime_ns == mtime  # never rewritten
    assert not (path.stat().st_mode & stat.S_IWUSR)  # read-only
    assert list(store.iter_hashes()) == [sha]
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".incoming")]


def test_check_reports_missing_and_altered(tmp_path):
    store = EvidenceStore(tmp_path)
    sha = store.put(b"original bytes")
    assert store.check(sha) is None
    path = store.path_for(sha)
    os.chmod(path, 0o600)
    path.write_bytes(b"original bytez")
    assert store.check(sha).startswith("altered")
    path.unlink()
    assert store.check(sha) == "missing"
