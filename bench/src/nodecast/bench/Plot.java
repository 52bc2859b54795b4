package nodecast.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Line plots in a PNG: a titled image holding one or more panels, each with a grid, axes scaled
 * to 1, 2 or 5 times a power of ten, and series of points joined by solid or dashed lines.
 */
final class Plot {
    static final Color BLUE = new Color(31, 119, 180);
    static final Color RED = new Color(214, 39, 40);

    /** One line: its legend, color, whether dashed, and its points (x, y); a NaN y is drawn at 0. */
    record Series(String label, Color color, boolean dashed, double[] xs, double[] ys) {
    }

    private final BufferedImage image;
    private final Graphics2D g;

    /** A white image of {@code width} x {@code height} with a title and a subtitle at its top. */
    Plot(int width, int height, String title, String subtitle) {
        image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, 20, 25);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawString(subtitle, 20, 42);
    }

    /**
     * Draws a panel whose plot area is {@code width} x {@code height} at ({@code left}, {@code top}),
     * with its heading above it, and the legend at ({@code legendX}, {@code legendY}) unless legendX is negative.
     */
    void panel(int left, int top, int width, int height, String heading, String xAxis, String yAxis, List<Series> series,
            int legendX, int legendY) {
        double xMax = niceCeiling(series.stream().flatMapToDouble(s -> java.util.Arrays.stream(s.xs())).max().orElse(1));
        double yMax = niceCeiling(Math.max(1, series.stream().flatMapToDouble(s -> java.util.Arrays.stream(s.ys()))
                .filter(y -> !Double.isNaN(y)).max().orElse(1)));
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.drawString(heading, left, top - 8);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int i = 0; i <= 5; i++) {
            int y = top + height - height * i / 5;
            int x = left + width * i / 5;
            g.setColor(new Color(225, 225, 225));
            g.drawLine(left, y, left + width, y);
            g.drawLine(x, top, x, top + height);
            g.setColor(Color.BLACK);
            String yLabel = label(yMax * i / 5);
            g.drawString(yLabel, left - 8 - g.getFontMetrics().stringWidth(yLabel), y + 4);
            String xLabel = label(xMax * i / 5);
            g.drawString(xLabel, x - g.getFontMetrics().stringWidth(xLabel) / 2, top + height + 18);
        }
        g.drawRect(left, top, width, height);
        g.drawString(xAxis, left + width / 2 - g.getFontMetrics().stringWidth(xAxis) / 2, top + height + 38);
        g.rotate(-Math.PI / 2);
        g.drawString(yAxis, -(top + height / 2 + g.getFontMetrics().stringWidth(yAxis) / 2), left - 60);
        g.rotate(Math.PI / 2);

        int legend = legendY;
        for (Series s : series) {
            g.setColor(s.color());
            g.setStroke(s.dashed()
                    ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {7, 5}, 0)
                    : new BasicStroke(2.5f));
            int[] xs = new int[s.xs().length];
            int[] ys = new int[s.xs().length];
            for (int i = 0; i < xs.length; i++) {
                double y = Double.isNaN(s.ys()[i]) ? 0 : s.ys()[i];
                xs[i] = left + (int) Math.round(width * s.xs()[i] / xMax);
                ys[i] = top + height - (int) Math.round(height * y / yMax);
                g.fillOval(xs[i] - 4, ys[i] - 4, 8, 8);
            }
            g.drawPolyline(xs, ys, xs.length);
            if (legendX >= 0) {
                g.drawLine(legendX, legend, legendX + 30, legend);
                g.setColor(Color.BLACK);
                g.drawString(s.label(), legendX + 37, legend + 4);
                legend += 22;
            }
            g.setStroke(new BasicStroke(1f));
        }
    }

    void write(Path png) throws IOException {
        g.dispose();
        ImageIO.write(image, "png", png.toFile());
    }

    /** 1, 2 or 5 times a power of ten, at or above {@code value}. */
    private static double niceCeiling(double value) {
        double power = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[] {1, 2, 5, 10}) {
            if (step * power >= value) {
                return step * power;
            }
        }
        return 10 * power;
    }

    private static String label(double value) {
        return value == Math.rint(value) ? String.format("%,.0f", value) : String.format("%.1f", value);
    }
}
