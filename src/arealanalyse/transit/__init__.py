"""Public transport timetables: departures per stop place, frequency classes and knutepunkter.

* :func:`read_timetable` reads GTFS (zip or folder) or Entur NeTEx (zip, folder or XML) into a
  :class:`Timetable` of departure events.
* :func:`count_departures` counts departures per stop place and mode in a window of a date.
* :func:`service_levels` gives each stop place its frequency measures: ÖV-Güteklassen station
  category, the knutepunkt test, SDG 11.2.1 headways (thresholds in
  :class:`~arealanalyse.settings.TransitSettings`).
"""

from __future__ import annotations

from arealanalyse.transit.classes import service_levels
from arealanalyse.transit.departures import Departures, count_departures
from arealanalyse.transit.gtfs import read_gtfs
from arealanalyse.transit.netex import read_netex
from arealanalyse.transit.read import read_timetable
from arealanalyse.transit.timetable import Timetable, merge_timetables

__all__ = [
    "Departures",
    "Timetable",
    "count_departures",
    "merge_timetables",
    "read_gtfs",
    "read_netex",
    "read_timetable",
    "service_levels",
]
