"""The MyFitnessPal parser on its own: header shapes, numbers, units, ZIP limits."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest

from api import mfp


def test_headers_match_with_units_spacing_and_bom() -> None:
    data = "\ufeff Date ,Meal,Calories (kcal),Fat,Carbohydrates (g),Fibre,Protein\r\n"
    data += "2024-01-01,Lunch,500,10,60,5,30\r\n2024-01-01,Dinner,700,20,80,7,40\r\n"
    parsed = mfp.read_export(data.encode())
    totals = parsed.nutrition[dt.date(2024, 1, 1)]
    assert totals.stored() == {
        "calories": 1200,
        "protein_g": Decimal("70.00"),
        "carbs_g": Decimal("140.00"),
        "fat_g": Decimal("30.00"),
        "fiber_g": Decimal("12.00"),
        "notes": None,
    }


def test_saturated_fat_is_not_taken_for_fat() -> None:
    data = b"Date,Calories,Saturated Fat,Fat (g)\n2024-01-01,100,9,3\n"
    totals = mfp.read_export(data).nutrition[dt.date(2024, 1, 1)]
    assert totals.fat_g == Decimal(3)


def test_missing_columns_stay_unknown_and_blank_cells_count_zero() -> None:
    data = b"Date,Calories,Protein (g)\n2024-01-01,,12.5\n2024-01-01,300,\n"
    stored = mfp.read_export(data).nutrition[dt.date(2024, 1, 1)].stored()
    assert stored["calories"] == 300 and stored["protein_g"] == Decimal("12.50")
    assert stored["fat_g"] is None and stored["fiber_g"] is None


def test_quoted_thousands_and_multiline_notes() -> None:
    data = b'Date,Meal,Calories,Note\n2024-01-01,"Dinner, big","1,250.5","two\nlines"\n'
    day = mfp.read_export(data).nutrition[dt.date(2024, 1, 1)]
    assert day.calories == Decimal("1250.5") and day.notes == ["two\nlines"]


def test_calories_round_half_up_after_summing() -> None:
    data = b"Date,Calories\n2024-01-01,100.25\n2024-01-01,100.25\n"
    assert mfp.read_export(data).nutrition[dt.date(2024, 1, 1)].stored()["calories"] == 201


def test_weights_in_pounds_convert_exactly_and_last_weigh_in_wins() -> None:
    data = b"Date,Weight\n2024-01-01,200\n2024-01-01,180\n2024-01-02,\n"
    parsed = mfp.read_export(data, weight_unit="lb")
    expected = (Decimal(180) * Decimal("0.45359237")).quantize(Decimal("0.01"))
    assert parsed.weights_kg == {dt.date(2024, 1, 1): expected}


@pytest.mark.parametrize(
    ("data", "line", "words"),
    [
        (b"Date,Calories\n2024-01-01,abc\n", 2, "not a number"),
        (b"Date,Calories\n2024-01-01,1\n\n2024-13-01,1\n", 4, "YYYY-MM-DD"),
        (b"Date,Calories\n2024-01-01,inf\n", 2, "not a number"),
        (b"Date,Calories,Fat\n2024-01-01\n", 2, "fields"),
        (b"Date,Calories,Fat (g)\n2024-01-01,1,6000\n2024-01-01,1,6000\n", 3, "exceeds"),
    ],
)
def test_bad_lines_are_named(data: bytes, line: int, words: str) -> None:
    with pytest.raises(mfp.MfpFormatError) as caught:
        mfp.read_export(data)
    assert caught.value.errors[0].line == line
    assert words in caught.value.errors[0].message


def test_at_most_five_bad_lines_are_reported() -> None:
    data = b"Date,Calories\n" + b"2024-01-01,x\n" * 20
    with pytest.raises(mfp.MfpFormatError) as caught:
        mfp.read_export(data)
    assert [e.line for e in caught.value.errors] == [2, 3, 4, 5, 6]


def test_a_bare_exercise_export_is_refused() -> None:
    with pytest.raises(mfp.MfpFormatError, match="Exercise"):
        mfp.read_export(b"Date,Exercise,Exercise Calories\n2024-01-01,Run,300\n")


def test_zip_member_named_as_nutrition_must_have_a_nutrition_header() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("Nutrition-Summary.csv", b"Date,Weight\n2024-01-01,80\n")
    with pytest.raises(mfp.MfpFormatError, match="named like a nutrition file"):
        mfp.read_export(buffer.getvalue())


def test_inflate_counts_real_bytes_against_the_budget() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Nutrition-Summary.csv", b"0" * 200_000)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        info = archive.infolist()[0]
        with pytest.raises(mfp.MfpTooLarge):
            mfp._inflate(archive, info, 100_000, 100_000)
        payload, left = mfp._inflate(archive, info, 300_000, 300_000)
    assert len(payload) == 200_000 and left == 100_000


def test_file_kinds_by_prefix_with_or_without_date_suffix() -> None:
    assert mfp.file_kind("Nutrition-Summary-2019-01-01-to-2019-12-31.csv") == "nutrition"
    assert mfp.file_kind("export/Measurement-Summary.csv") == "measurement"
    assert mfp.file_kind("Exercise-Summary-2019.csv") == "exercise"
    assert mfp.file_kind("Nutrition-Summary.txt") == "other"
