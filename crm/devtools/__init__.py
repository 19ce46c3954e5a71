"""Developer tools, an app of its own installed by the development and test settings only.

Demo and bulk seeding, the benchmark.
"""
