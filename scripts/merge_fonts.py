"""Merge a font's subset files (fontsource ships Latin, Latin Extended and Vietnamese apart) into one WOFF.

WeasyPrint 70 names a PDF font after its family, weight and style alone (weasyprint/pdf/fonts.py, ``Font.hash``),
so two files of one face split by unicode-range become one PDF font holding the glyph numbers of both, and the
letters of the second print as other letters ("SUSTAININả" for "SUSTAINING"). One file per face avoids that.

    python scripts/merge_fonts.py OUT.woff SUBSET.woff [SUBSET.woff ...]
"""

import sys

from fontTools.merge import Merger


def main(out: str, *subsets: str) -> None:
    font = Merger().merge(list(subsets))
    font.flavor = "woff"
    font.save(out)


if __name__ == "__main__":
    main(*sys.argv[1:])
