"""Benchmarks of project issue 8 (`make bench`): PDF parse time against two baselines, end to end over a
1,000-report corpus, the nightly run, and analytic queries on a synthetic 100k-report warehouse.

Plain Python, no pytest: `python -m bench.run` runs them all and writes bench/RESULTS.md; each module
also runs alone (`python -m bench.parse_pdf`, ...) and prints its section. See bench/README.md.
"""
