"""Bulk import (ACLED CSV, UCDP GED CSV, Sitrep JSONL) of events, streamed in batches.

Rules (documented choices):

* A file is checked whole before anything is stored: empty files, binary ones (a quarter of
  their bytes control bytes or not UTF-8), mostly non-UTF-8 ones (a UTF-8 BOM is fine) and
  CSVs lacking event_date/location/notes (ACLED) or id/date_start/side_a/side_b/
  where_coordinates/country/best (UCDP GED) are refused; the header tells the two apart.
* Bad rows are reported with their (first) line number and skipped; a NUL, bytes that are not
  UTF-8, an overlong line or an unterminated quote cost only their own row (see records.py);
  with ``strict`` the file is read twice and nothing is stored when any row is bad.
* Every imported event has a stable external key, so importing again updates in place: rows equal
  to the stored event count as unchanged and are not written at all.
* ACLED places: the row's admin areas are looked for inside its ``country`` when the gazetteer
  knows it (areas of their own kind first; of two provinces with one name, the one holding the
  row's admin2). The place called ``location`` inside the row's narrowest known admin area
  (admin3, admin2, admin1: names repeat across provinces), else the gazetteer's best match
  inside its broadest known area (or the country, or anywhere when neither is known); else a
  new TOWN under the row's district (admin2) or province (admin1) at the row's coordinates; without
  coordinates the event is placed on that district/province (precision at least NEAR/REGION);
  when admin1 is unknown too, the place is kept as written.
* UCDP places: as ACLED's (adm_2, adm_1, their kind words dropped), but only inside the row's
  country: a row whose country the gazetteer does not know is kept as written (no guessing
  across borders). Names match exactly or folded, never typo-tolerantly: a guess would depend
  on the villages added so far, and a second import must place every row as the first did.
  A district-, province- or country-level row (where_prec 3, 4, 6) is placed
  on that area; a new TOWN is added only for exact or near rows (where_prec 1, 2), under the
  row's district, else its province, else its country.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from bot.domain.bulk.lines import Progress, check_file
from bot.domain.bulk.placing import PlaceResolver
from bot.domain.bulk.ports import BulkServices
from bot.domain.bulk.reading import Format, detect_format, read_rows
from bot.domain.bulk.storing import NewRows, store_rows
from bot.domain.bulk.types import BadRow, ImportReport, ParsedRow

log = logging.getLogger(__name__)

BATCH_SIZE = 5000
FIRST_BATCH = 500  # then doubled up to BATCH_SIZE
WRITER_MIN_BYTES = 1 << 20  # files from ~2,000 ACLED rows: a writer process pays for itself

__all__ = ["import_file"]


async def import_file(
    services: BulkServices,
    path: Path,
    *,
    fmt: Format | None = None,
    strict: bool = False,
    today: date | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
    writer_process: bool | None = None,
) -> ImportReport:
    """Import an ACLED CSV, UCDP GED CSV or Sitrep JSONL file; BulkError when the file is unfit.

    On a SQLite file, new rows of a large file (or with `writer_process`) are stored by a
    writer process while the next batch is parsed.
    """
    check_file(path)
    fmt = fmt or detect_format(path)
    today = today or services.clock.now().date()
    report = ImportReport()
    if strict:
        bad = [r for r in read_rows(path, fmt, today) if isinstance(r, BadRow)]
        if bad:
            report.bad_rows = bad
            report.strict_failed = True
            return report
    store = services.bulk
    resolver = PlaceResolver(services.gazetteer, store, report)
    if writer_process is None:
        writer_process = path.stat().st_size >= WRITER_MIN_BYTES
    writer = store.open_writer() if writer_process else None
    new_rows = NewRows(store, report, writer)
    # With a writer, the first batches are small, so it starts early (it waits for the first).
    size = min(batch_size, FIRST_BATCH) if writer is not None else batch_size
    try:
        batch: list[ParsedRow] = []
        for item in read_rows(path, fmt, today, progress, resolver.known, resolver.prefetch):
            if isinstance(item, BadRow):
                report.bad_rows.append(item)
                continue
            batch.append(item)
            if len(batch) >= size:
                await store_rows(store, batch, resolver, report, new_rows)
                batch = []
                size = min(batch_size, size * 2)
        if batch:
            await store_rows(store, batch, resolver, report, new_rows)
        await new_rows.settle()
    finally:
        if writer is not None:
            await writer.close()
    report.bad_rows.sort(key=lambda b: b.line)
    log.info("import of %s: %s", path, report.summary())
    return report
