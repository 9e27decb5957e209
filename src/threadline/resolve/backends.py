"""Where Splink runs: DuckDB in process (the default) or Spark (``THREADLINE_RESOLVE_BACKEND``).

A backend registers arrow tables with Splink's database API. Everything else
(the model, training, prediction) is the same on both; see docs/resolution.md
for running on a Spark cluster.
"""

from __future__ import annotations

import itertools
import os
import tempfile
from pathlib import Path
from typing import Any, Protocol

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
from splink.internals.database_api import DatabaseAPI
from splink.internals.splink_dataframe import SplinkDataFrame

from threadline.errors import ThreadlineError

BACKENDS = ("duckdb", "spark")


class Backend(Protocol):
    name: str
    dialect: str
    """Splink's name for the SQL dialect (``duckdb``, ``spark``)."""

    def register(self, table: pa.Table) -> SplinkDataFrame: ...

    def close(self) -> None: ...


class DuckDBBackend:
    """Splink on DuckDB, in memory, using every core DuckDB is given (``threads``).

    DuckDB is held to ``THREADLINE_DUCKDB_MEMORY`` (default 4GB) and spills
    what does not fit to a scratch directory of its own: scoring a million
    subjects materialises far more blocked pairs than the scored pairs kept,
    and on a machine shared with others DuckDB's own default (80% of RAM) is
    more than there is.
    """

    name = "duckdb"
    dialect = "duckdb"

    def __init__(self, threads: int | None = None, memory: str | None = None) -> None:
        import duckdb
        from splink import DuckDBAPI

        self._scratch = tempfile.TemporaryDirectory(prefix="threadline-duckdb-")
        self.connection = duckdb.connect(":memory:")
        if threads:
            self.connection.execute(f"SET threads = {int(threads)}")
        memory = memory or os.environ.get("THREADLINE_DUCKDB_MEMORY") or "4GB"
        self.connection.execute("SET memory_limit = ?", [memory])
        self.connection.execute("SET temp_directory = ?", [self._scratch.name])
        self.connection.execute("SET enable_progress_bar = false")
        self.api: DatabaseAPI[Any] = DuckDBAPI(self.connection)
        self._names = itertools.count()

    def register(self, table: pa.Table) -> SplinkDataFrame:
        return self.api.register(table, table_name=f"people_{next(self._names)}")

    def close(self) -> None:
        self.connection.close()
        self._scratch.cleanup()


class SparkBackend:
    """Splink on Spark. Local mode unless ``THREADLINE_SPARK_MASTER`` names a cluster."""

    name = "spark"
    dialect = "spark"

    def __init__(self, master: str | None = None) -> None:
        from pyspark.sql import SparkSession
        from splink import SparkAPI
        from splink.backends.spark import similarity_jar_location

        master = master or os.environ.get("THREADLINE_SPARK_MASTER") or "local[2]"
        self._scratch = tempfile.TemporaryDirectory(prefix="threadline-spark-")
        self.spark = (
            SparkSession.builder.master(master)
            .appName("threadline-resolve")
            .config(
                "spark.sql.shuffle.partitions", os.environ.get("THREADLINE_SPARK_PARTITIONS", "8")
            )
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            # Splink's string similarity functions (Jaro-Winkler...) ship as a jar.
            .config("spark.jars", similarity_jar_location())
            .config("spark.driver.memory", os.environ.get("THREADLINE_SPARK_DRIVER_MEMORY", "2g"))
            .config("spark.local.dir", self._scratch.name)
            .getOrCreate()
        )
        self.spark.sparkContext.setLogLevel("ERROR")
        self.spark.sparkContext.setCheckpointDir(str(Path(self._scratch.name) / "checkpoints"))
        self.api: DatabaseAPI[Any] = SparkAPI(spark_session=self.spark)  # type: ignore[no-untyped-call]
        self._names = itertools.count()

    def register(self, table: pa.Table) -> SplinkDataFrame:
        # Parquet is the portable way in: no pandas, and a cluster reads it in parallel.
        path = Path(self._scratch.name) / f"people_{next(self._names)}.parquet"
        pq.write_table(table, path)
        frame = self.spark.read.parquet(str(path))
        return self.api.register(frame, table_name=path.stem)

    def close(self) -> None:
        # The session is left running for the process (Spark starts slowly and
        # getOrCreate reuses it); only this backend's files are removed.
        self._scratch.cleanup()


def make_backend(name: str | None = None) -> Backend:
    """The backend named (or ``THREADLINE_RESOLVE_BACKEND``, default ``duckdb``)."""
    name = (name or os.environ.get("THREADLINE_RESOLVE_BACKEND") or "duckdb").strip().lower()
    if name == "duckdb":
        return DuckDBBackend()
    if name == "spark":
        return SparkBackend()
    raise ThreadlineError(
        f"unknown resolution backend '{name}' (THREADLINE_RESOLVE_BACKEND: {', '.join(BACKENDS)})"
    )
