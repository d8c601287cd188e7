"""Past one machine: the CPU-heavy stages on a Dask cluster, the archive still one file.

The head (the `scrape` process the user started) keeps the durable queue,
robots.txt, every politeness decision and the one SQLite writer; Dask workers
fetch (or read WARC files) and extract (work.py), and send back pages ready to store.

    connect.py   what --cluster names: a scheduler's address, or local:N (a LocalCluster)
    head.py      a crawl whose attempts are made on the workers, in batches
    imports.py   WARC files read and their pages prepared on the workers (scrape import)
    reextract.py stored pages extracted again on the workers, written at the head
    work.py      what runs on a worker

Needs the `cluster` extra (Dask's distributed); nothing else imports this package.
"""
