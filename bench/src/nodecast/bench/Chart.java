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

/** Draws fan-out latency (p50 and p99) against the number of viewers, one pair of lines per message log, as a PNG. */
final class Chart {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 540;
    private static final int LEFT = 80;
    private static final int RIGHT = 200;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;

    private Chart() {
    }

    static void write(List<FanOutMeasurement.Level> levels, String subtitle, Path png) throws IOException {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);

        double maxViewers = levels.stream().mapToInt(FanOutMeasurement.Level::viewers).max().orElse(1);
        double maxMs = levels.stream().mapToDouble(l -> Double.isNaN(l.p99Ms()) ? 0 : l.p99Ms()).max().orElse(1);
        double xMax = niceCeiling(maxViewers);
        double yMax = niceCeiling(Math.max(maxMs, 1));
        int plotWidth = WIDTH - LEFT - RIGHT;
        int plotHeight = HEIGHT - TOP - BOTTOM;

        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString("nodecast fan-out latency: publish request to each viewer's response", LEFT, 25);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawString(subtitle, LEFT, 42);

        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int i = 0; i <= 5; i++) {
            int y = TOP + plotHeight - plotHeight * i / 5;
            int x = LEFT + plotWidth * i / 5;
            g.setColor(new Color(225, 225, 225));
            g.drawLine(LEFT, y, LEFT + plotWidth, y);
            g.drawLine(x, TOP, x, TOP + plotHeight);
            g.setColor(Color.BLACK);
            String yLabel = label(yMax * i / 5);
            g.drawString(yLabel, LEFT - 8 - g.getFontMetrics().stringWidth(yLabel), y + 4);
            String xLabel = label(xMax * i / 5);
            g.drawString(xLabel, x - g.getFontMetrics().stringWidth(xLabel) / 2, TOP + plotHeight + 18);
        }
        g.drawRect(LEFT, TOP, plotWidth, plotHeight);
        g.drawString("parked viewers", LEFT + plotWidth / 2 - 40, HEIGHT - 18);
        g.rotate(-Math.PI / 2);
        g.drawString("latency, ms", -(TOP + plotHeight / 2 + 30), 22);
        g.rotate(Math.PI / 2);

        Color[] colors = {new Color(31, 119, 180), new Color(214, 39, 40)};
        int legendY = TOP + 10;
        for (LogKind log : LogKind.values()) {
            List<FanOutMeasurement.Level> series = levels.stream().filter(l -> l.log() == log).toList();
            if (series.isEmpty()) {
                continue;
            }
            Color color = colors[log.ordinal() % colors.length];
            for (boolean p99 : new boolean[] {false, true}) {
                g.setColor(color);
                g.setStroke(p99 ? new BasicStroke(2.5f) : new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {7, 5}, 0));
                int[] xs = new int[series.size()];
                int[] ys = new int[series.size()];
                for (int i = 0; i < series.size(); i++) {
                    double ms = p99 ? series.get(i).p99Ms() : series.get(i).p50Ms();
                    xs[i] = LEFT + (int) Math.round(plotWidth * series.get(i).viewers() / xMax);
                    ys[i] = TOP + plotHeight - (int) Math.round(plotHeight * (Double.isNaN(ms) ? 0 : ms) / yMax);
                    g.fillOval(xs[i] - 4, ys[i] - 4, 8, 8);
                }
                g.drawPolyline(xs, ys, xs.length);
                g.drawLine(LEFT + plotWidth + 15, legendY, LEFT + plotWidth + 45, legendY);
                g.setColor(Color.BLACK);
                g.drawString(log.label + (p99 ? " p99" : " p50"), LEFT + plotWidth + 52, legendY + 4);
                legendY += 22;
            }
        }
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
