import re

from reports.charts import CHARACTER_WIDTH_EM, bar_chart, stacked_bar_chart

LONG_NAME = "Старокостянтинівська міська територіальна громада"


def labels(svg: str) -> list[str]:
    return re.findall(r">([^<>]+)</text>", svg)


def test_long_labels_wrap_onto_two_lines_that_fit_the_label_column():
    svg = bar_chart([(LONG_NAME, 5), ("Нетішинська", 3)], title="Події", label_width=200)
    lines = [label for label in labels(svg) if label in LONG_NAME]
    assert " ".join(lines) == LONG_NAME
    assert len(lines) == 2
    assert all(len(line) * 11 * CHARACTER_WIDTH_EM <= 200 - 8 for line in lines)
    assert "Нетішинська" in labels(svg)


def test_only_a_label_longer_than_two_lines_is_cut_and_the_value_keeps_its_room():
    longer = f"{LONG_NAME} {LONG_NAME}"
    svg = bar_chart([(longer, 486), ("Нетішинська", 3)], title="Події", label_width=200, fmt=lambda v: f"{v} (53,3 %)")
    lines = [label for label in labels(svg) if label.startswith(("Старо", "тер"))]
    assert len(lines) == 2
    assert lines[1].endswith("…")
    value = re.search(r'<text x="([\d.]+)"[^>]*>486 \(53,3 %\)</text>', svg)
    assert float(value.group(1)) + len("486 (53,3 %)") * 11 * CHARACTER_WIDTH_EM <= 640


def test_legend_wraps_instead_of_running_off_the_chart():
    series = ["Повідомлено", "У роботі", "Врегульовано", "Передано до установи", "Закрито без врегулювання"] * 2
    svg = stacked_bar_chart([("Сусідська суперечка", [1] * len(series))], title="Інциденти", series=series, width=400)
    xs = [float(x) for x in re.findall(r'<rect x="([\d.]+)"', svg)]
    ys = {float(y) for y in re.findall(r'<rect x="[\d.]+" y="([\d.]+)"', svg)}
    assert max(xs) < 400
    assert len(ys) > 1
    height = float(re.search(r'height="(\d+)"', svg).group(1))
    assert max(ys) + 10 <= height
