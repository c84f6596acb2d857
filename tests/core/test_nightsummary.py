"""The night summary's rules, case by case: frames in, groups and missing calibrations out."""

from __future__ import annotations

import pytest

from arcsecond_core import frames
from arcsecond_core.nightsummary import Frame, frame_from_headers, frame_from_record, summarize


def light(filter_name: str | None = "V", exposure: float | None = 30.0, binning: str | None = "1x1",
          target: str = "M31", when: str = "2024-03-10T21:00:00Z") -> Frame:
    return Frame("light", target, filter_name, exposure, binning, when)


def bias(binning: str | None = "1x1") -> Frame:
    return Frame("bias", "Bias", None, 0.0, binning)


def dark(exposure: float, binning: str | None = "1x1") -> Frame:
    return Frame("dark", None, "V", exposure, binning)


def flat(filter_name: str | None, binning: str | None = "1x1") -> Frame:
    return Frame("flat", "dome", filter_name, 2.0, binning)


def missing(*night: Frame) -> list[tuple]:
    return [(m["kind"], m.get("filter"), m.get("exposure"), m.get("binning"), m["reason"])
            for m in summarize(night)["missing"]]


@pytest.mark.parametrize(("image_type", "kind"), [
    ("Light Frame", "light"), ("LIGHT", "light"), ("object", "light"), ("Science", "light"),
    (None, "light"), ("", "light"), ("Bias Frame", "bias"), ("zero", "bias"), ("ZERO", "bias"),
    ("Dark Frame", "dark"), ("dark", "dark"), ("Flat Field", "flat"), ("FLAT", "flat"),
    ("SkyFlat", "flat"), ("Focus", "other"), ("test", "other"),
])
def test_image_types_as_cameras_write_them(image_type: str | None, kind: str) -> None:
    assert frames.frame_kind(image_type) == kind


@pytest.mark.parametrize(("headers", "binning"), [
    ({"XBINNING": 2, "YBINNING": 2}, "2x2"), ({"XBINNING": 2, "YBINNING": 1}, "2x1"),
    ({"CCDXBIN": 3, "CCDYBIN": 3}, "3x3"), ({"BINNING": "2x2"}, "2x2"), ({"BINNING": 4}, "4x4"),
    ({"CCDSUM": "2 2"}, "2x2"), ({"XBINNING": 1.0}, "1x1"), ({}, None), ({"BINNING": "n/a"}, None),
])
def test_binning_from_each_convention(headers: dict, binning: str | None) -> None:
    assert frames.binning_of(headers) == binning


def test_headers_become_a_frame_with_exposure_from_exposure_and_no_filter() -> None:
    frame = frame_from_headers({"IMAGETYP": "object", "OBJECT": "M42", "EXPOSURE": 45,
                                "CCDXBIN": 2, "CCDYBIN": 2, "DATE-OBS": "2024-03-10T22:00:00"})
    assert frame == Frame("light", "M42", None, 45.0, "2x2", "2024-03-10T22:00:00Z")


def test_a_server_record_becomes_the_same_frame() -> None:
    record = {"kind": "dark", "target_name": None, "filter": "", "exposure_time": 60.0,
              "binning": "1x1", "date_obs": "2024-03-11T05:00:00Z"}
    assert frame_from_record(record) == Frame("dark", None, None, 60.0, "1x1",
                                              "2024-03-11T05:00:00Z")


def test_groups_count_total_exposure_and_span_in_kind_order() -> None:
    night = [light(when="2024-03-10T22:00:00Z"), light(when="2024-03-10T21:00:00Z"),
             light("R", 60.0), flat("V"), bias(), bias(), dark(30.0)]
    groups = summarize(night)["groups"]
    assert [(g["kind"], g["filter"], g["count"]) for g in groups] == [
        ("light", "R", 1), ("light", "V", 2), ("bias", None, 2), ("dark", None, 1),
        ("flat", "V", 1)]
    v = groups[1]
    assert (v["exposure_total"], v["first"], v["last"]) == (
        60.0, "2024-03-10T21:00:00Z", "2024-03-10T22:00:00Z")
    assert v["target"] == "M31" and groups[2]["target"] is None  # a calibration's name is not kept


def test_a_complete_night_misses_nothing() -> None:
    assert missing(light(), light("R"), flat("V"), flat("R"), dark(30.0), bias()) == []


def test_a_filter_without_a_flat() -> None:
    assert missing(light("V"), light("R"), flat("V"), dark(30.0), bias()) == [
        ("flat", "R", None, "1x1", "no flat for filter R (1 light)")]


def test_lights_without_a_filter_need_a_flat_without_one() -> None:
    night = (light(None), dark(30.0), bias())
    assert missing(*night) == [
        ("flat", None, None, "1x1", "no flat for lights without a filter (1 light)")]
    assert missing(*night, flat(None)) == []


def test_an_exposure_without_a_dark_or_a_longer_one() -> None:
    assert missing(light(exposure=120.0), light(exposure=120.0), flat("V"), dark(60.0), bias()) == [
        ("dark", None, 120.0, "1x1", "no 120 s dark (2 lights)")]


def test_a_longer_dark_could_serve_scaled_with_the_bias() -> None:
    assert missing(light(exposure=30.0), flat("V"), dark(60.0), dark(300.0), bias()) == [
        ("dark", None, 30.0, "1x1", "no 30 s dark (1 light): a scaled dark could "
         "serve (the 60 s darks, scaled with the bias)")]


def test_scaled_darks_need_bias_frames() -> None:
    assert missing(light(exposure=30.0), flat("V"), dark(60.0))[-1] == (
        "bias", None, None, "1x1",
        "no bias frames (1 light): the scaled darks need them")


def test_no_bias_at_all() -> None:
    assert missing(light(), flat("V"), dark(30.0)) == [
        ("bias", None, None, "1x1", "no bias frames (1 light)")]


def test_exposures_a_hair_apart_are_the_same() -> None:
    assert missing(light(exposure=30.0), flat("V"), dark(30.0004), bias()) == []


def test_calibrations_must_match_the_lights_binning() -> None:
    night = (light(binning="2x2"), flat("V", "1x1"), dark(30.0, "1x1"), bias("1x1"))
    assert missing(*night) == [
        ("flat", "V", None, "2x2", "the flats for filter V are binned 1x1, the lights 2x2"),
        ("dark", None, 30.0, "2x2", "the 30 s darks are binned 1x1, the lights 2x2"),
        ("bias", None, None, "2x2", "the bias frames are binned 1x1, the lights 2x2 (1 light)"),
    ]
    assert missing(*night, light(binning="1x1")) == missing(*night)  # 1x1 lights have theirs


def test_an_unknown_binning_matches_any() -> None:
    assert missing(light(binning=None), flat("V"), dark(30.0), bias()) == []
    assert missing(light(binning="2x2"), flat("V", None), dark(30.0, None), bias(None)) == []


def test_no_lights_nothing_missing_and_unreadable_files_kept() -> None:
    summary = summarize([bias(), dark(60.0)], [{"path": "x.fits", "reason": "not a FITS file"}])
    assert summary["missing"] == []
    assert summary["unreadable"] == [{"path": "x.fits", "reason": "not a FITS file"}]


def test_lights_without_an_exposure_time_ask_no_dark() -> None:
    assert missing(light(exposure=None), flat("V"), bias()) == []
