package org.headend.perf.loadgen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One row a second (sessions up, on DTLS, failures, this second's setup and RTT p99), written as
 * {@code timeseries.csv} and drawn as {@code plot.svg}: sessions up and setup p99 over the run. Only the progress
 * thread adds rows.
 */
final class TimeSeries
{
    record Row(double seconds, int up, int dtls, long established, long failed, double setupP99Ms, double rttP99Ms)
    {
    }

    private static final int WIDTH = 900;
    private static final int PANEL = 220;
    private static final int MARGIN = 60;

    private final List<Row> rows = new ArrayList<>();

    synchronized void add(final Row row)
    {
        rows.add(row);
    }

    synchronized void write(final Path dir) throws IOException
    {
        Files.createDirectories(dir);
        final StringBuilder csv = new StringBuilder("seconds,up,dtls,established,failed,setup_p99_ms,rtt_p99_ms\n");
        for (final Row r : rows)
        {
            csv.append(String.format(Locale.ROOT, "%.1f,%d,%d,%d,%d,%.3f,%.3f%n", r.seconds(), r.up(), r.dtls(),
                r.established(), r.failed(), r.setupP99Ms(), r.rttP99Ms()));
        }
        Files.writeString(dir.resolve("timeseries.csv"), csv);
        Files.writeString(dir.resolve("plot.svg"), svg());
    }

    private String svg()
    {
        final double tMax = rows.isEmpty() ? 1 : Math.max(1, rows.get(rows.size() - 1).seconds());
        final StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" "
                + "font-size=\"12\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n",
            WIDTH, 2 * PANEL + 3 * MARGIN));
        panel(b, MARGIN, "sessions up (blue) and on DTLS (green)", tMax, rows.stream().mapToDouble(Row::up).max()
            .orElse(1), new double[][] {values(0), values(1)}, new String[] {"#1f5fbf", "#2a9d3a"});
        panel(b, 2 * MARGIN + PANEL, "setup p99 per second, ms, from the intended start", tMax,
            rows.stream().mapToDouble(Row::setupP99Ms).max().orElse(1), new double[][] {values(2)},
            new String[] {"#c0392b"});
        return b.append("</svg>\n").toString();
    }

    private double[] values(final int which)
    {
        final double[] v = new double[rows.size()];
        for (int i = 0; i < v.length; i++)
        {
            final Row r = rows.get(i);
            v[i] = which == 0 ? r.up() : which == 1 ? r.dtls() : r.setupP99Ms();
        }
        return v;
    }

    private void panel(final StringBuilder b, final int top, final String title, final double tMax,
        final double yMaxRaw, final double[][] series, final String[] colours)
    {
        final double yMax = yMaxRaw <= 0 ? 1 : yMaxRaw;
        final int plotWidth = WIDTH - 2 * MARGIN;
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", MARGIN, top - 8, title));
        b.append(String.format(Locale.ROOT,
            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888\"/>%n", MARGIN, top,
            plotWidth, PANEL));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.0f</text>%n", MARGIN - 4,
            top + 10, yMax));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>%n", MARGIN - 4,
            top + PANEL));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.0f s</text>%n",
            MARGIN + plotWidth, top + PANEL + 16, tMax));
        for (int s = 0; s < series.length; s++)
        {
            final StringBuilder points = new StringBuilder();
            for (int i = 0; i < series[s].length; i++)
            {
                final double x = MARGIN + plotWidth * rows.get(i).seconds() / tMax;
                final double y = top + PANEL - PANEL * series[s][i] / yMax;
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            b.append(String.format(Locale.ROOT,
                "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"%s\"/>%n", colours[s],
                points.toString().strip()));
        }
    }
}
