"""Persian and Arabic personal names in Latin or Persian script.

One person's name is written many ways: romanisation standards differ ("Ghasemi"/"Qasemi",
"Hossein"/"Husain", "Davoud"/"Dawud"), compounds are hyphenated, spaced or joined
("Pour-Mohammadi"/"Pour Mohammadi"/"Pourmohammadi"), titles come and go ("Grand Ayatollah",
"Hojatoleslam", "Seyed", "Mrs."), and Persian script does not write short vowels ("محمد"). This
package gives:

* ``normalize_script`` / ``transliterate`` (``script.py``): one Unicode spelling; Latin letters;
* ``strip_titles`` / ``parse_name`` -> ``ParsedName`` (``parse.py``): titles, given names,
  family name;
* ``token_key`` / ``skeleton`` / ``name_keys`` -> ``NameKeys`` (``keys.py``):
  romanisation-equivalence keys (equal for the usual spellings of one name), consonant
  skeletons and blocking keys for record linkage;
* ``part_similarity`` / ``similarity`` (``compare.py``): scores in [0, 1] that tolerate spelling
  variation and reordering but keep different names apart ("Hassan" is not "Hossein", "Maryam
  Rajavi" is not "Massoud Rajavi").

The spelling rules live in ``factfinder/vocab/names.yaml`` (titles also in ``titles.yaml``), not
in the code. All functions are cached per string: cheap to call many times on the same names.
"""

from __future__ import annotations

from factfinder.names.compare import part_similarity, similarity
from factfinder.names.keys import NameKeys, name_keys, skeleton, token_key
from factfinder.names.parse import ParsedName, parse_name, strip_titles
from factfinder.names.script import normalize_script, transliterate

__all__ = [
    "NameKeys",
    "ParsedName",
    "name_keys",
    "normalize_script",
    "parse_name",
    "part_similarity",
    "similarity",
    "skeleton",
    "strip_titles",
    "token_key",
    "transliterate",
]
