"""Pass / fail / skip per test file from the JUnit XML files of run.sh, and the overall pass rate.

Usage: summarize.py THRESHOLD RESULT.xml...   Exit status 1 when the pass rate
(passed / (passed + failed + errors); skips and expected failures left out) is below THRESHOLD.
"""
import sys
import xml.etree.ElementTree as ElementTree


def main():
    threshold = float(sys.argv[1])
    totals = {"passed": 0, "failed": 0, "error": 0, "skipped": 0, "xfail": 0}
    print(f"{'file':<34}{'passed':>8}{'failed':>8}{'errors':>8}{'skipped':>9}{'xfail':>7}")
    for path in sys.argv[2:]:
        counts = dict.fromkeys(totals, 0)
        try:
            ElementTree.parse(path)
        except (OSError, ElementTree.ParseError) as error:
            print(f"{path}: no results ({error}); that test file did not run")
            return 1
        for case in ElementTree.parse(path).getroot().iter("testcase"):
            kinds = {child.tag for child in case}
            skipped = case.find("skipped")
            if skipped is not None and "xfail" in (skipped.get("type", "") + skipped.get("message", "")):
                counts["xfail"] += 1
            elif "skipped" in kinds:
                counts["skipped"] += 1
            elif "failure" in kinds:
                counts["failed"] += 1
            elif "error" in kinds:
                counts["error"] += 1
            else:
                counts["passed"] += 1
        for key in totals:
            totals[key] += counts[key]
        name = path.rsplit("/", 1)[-1].removesuffix(".xml")
        print(f"{name:<34}{counts['passed']:>8}{counts['failed']:>8}{counts['error']:>8}{counts['skipped']:>9}{counts['xfail']:>7}")
    ran = totals["passed"] + totals["failed"] + totals["error"]
    rate = totals["passed"] / ran if ran else 0.0
    print(f"{'total':<34}{totals['passed']:>8}{totals['failed']:>8}{totals['error']:>8}{totals['skipped']:>9}{totals['xfail']:>7}")
    print(f"pass rate {rate:.1%} of {ran} run (threshold {threshold:.0%})")
    return 0 if rate >= threshold else 1


if __name__ == "__main__":
    sys.exit(main())
