"""Every CSV export follows one rule: Excel in Finland opens it right."""
from app.core.spreadsheet import excel_csv, read_excel_csv


def test_semicolons_bom_decimal_comma_and_inert_formulas():
    data = excel_csv([["Nimi", "Arvo", "Kaava"], ["Åsa; Ärlig", 3.25, "=SUM(A1)"], ["x", 2.0, None]])
    assert data.startswith("\ufeff".encode("utf-8"))
    text = data.decode("utf-8")
    assert "Nimi;Arvo;Kaava\r\n" in text
    assert read_excel_csv(data) == [["Nimi", "Arvo", "Kaava"], ["Åsa; Ärlig", "3,25", "'=SUM(A1)"], ["x", "2", ""]]
