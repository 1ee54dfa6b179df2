import re

from reports.charts import CHARACTER_WIDTH_EM, bar_chart, stacked_bar_chart

LONG_NAME = "Старокостянтинівська міська територіальна громада"


def labels(svg: str) -> list[str]:
    return re.findall(r">([^<>]+)</text>", svg)


def test_long_labels_are_cut_to_fit_the_label_column():
    svg = bar_chart([(LONG_NAME, 5), ("Нетішинська", 3)], title="Події", label_width=200)
    cut = next(label for label in labels(svg) if label.startswith("Старокостянтинівська"))
    assert cut.endswith("…")
    assert len(cut) * 11 * CHARACTER_WIDTH_EM <= 200 - 8
    assert "Нетішинська" in labels(svg)


def test_legend_wraps_instead_of_running_off_the_chart():
    series = ["Повідомлено", "У роботі", "Врегульовано", "Передано до установи", "Закрито без врегулювання"] * 2
    svg = stacked_bar_chart([("Сусідська суперечка", [1] * len(series))], title="Інциденти", series=series, width=400)
    xs = [float(x) for x in re.findall(r'<rect x="([\d.]+)"', svg)]
    ys = {float(y) for y in re.findall(r'<rect x="[\d.]+" y="([\d.]+)"', svg)}
    assert max(xs) < 400
    assert len(ys) > 1
    height = float(re.search(r'height="(\d+)"', svg).group(1))
    assert max(ys) + 10 <= height
