package nodecast.bench;

import java.util.ArrayList;
import java.util.List;

/** A plain-text table with right-aligned columns, sized to fit its widest cell. */
final class Table {
    private final String title;
    private final List<String[]> rows = new ArrayList<>();

    Table(String title, String... headings) {
        this.title = title;
        rows.add(headings);
    }

    Table row(Object... cells) {
        String[] texts = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            texts[i] = format(cells[i]);
        }
        rows.add(texts);
        return this;
    }

    private static String format(Object cell) {
        if (cell instanceof Double d) {
            return d.isNaN() ? "-" : Math.abs(d) >= 100 ? String.format("%.0f", d) : Math.abs(d) >= 10 ? String.format("%.1f", d) : String.format("%.2f", d);
        }
        return String.valueOf(cell);
    }

    @Override
    public String toString() {
        int columns = rows.get(0).length;
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int c = 0; c < columns; c++) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        StringBuilder out = new StringBuilder(title).append('\n');
        for (int r = 0; r < rows.size(); r++) {
            for (int c = 0; c < columns; c++) {
                String cell = rows.get(r)[c];
                out.append(c == 0 ? "" : "  ").append(" ".repeat(widths[c] - cell.length())).append(cell);
            }
            out.append('\n');
            if (r == 0) {
                int total = 0;
                for (int width : widths) {
                    total += width + 2;
                }
                out.append("-".repeat(total - 2)).append('\n');
            }
        }
        return out.toString();
    }
}
