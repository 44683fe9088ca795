package org.headend.control.ops;

import java.util.regex.Pattern;
import org.headend.dataplane.api.LatencyHistogram;

/**
 * Writes the Prometheus text exposition format 0.0.4: for each family a {@code # HELP} and a {@code # TYPE} line,
 * then its samples, {@code name{label="value",…} number}. Label values and help text are escaped as the format
 * requires, so a user name with quotes or newlines cannot forge a sample. Not thread-safe: one per scrape.
 */
public final class MetricsText
{
    /** The Content-Type of this format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private final StringBuilder out = new StringBuilder(4096);

    /** Starts a family: {@code type} is counter, gauge or histogram. */
    public MetricsText family(final String name, final String type, final String help)
    {
        checkName(name);
        out.append("# HELP ").append(name).append(' ');
        for (int i = 0; i < help.length(); i++)
        {
            final char c = help.charAt(i);
            switch (c)
            {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
        out.append('\n').append("# TYPE ").append(name).append(' ').append(type).append('\n');
        return this;
    }

    /** A sample without labels. */
    public MetricsText sample(final String name, final double value)
    {
        return sample(name, value, new String[0]);
    }

    /**
     * A sample with labels given as {@code name, value, name, value, …}.
     *
     * @throws IllegalArgumentException for a bad metric or label name, or an odd label list (a bug, not input)
     */
    public MetricsText sample(final String name, final double value, final String... labels)
    {
        checkName(name);
        if (labels.length % 2 != 0)
        {
            throw new IllegalArgumentException("labels come in name, value pairs");
        }
        out.append(name);
        if (labels.length > 0)
        {
            out.append('{');
            for (int i = 0; i < labels.length; i += 2)
            {
                if (!LABEL.matcher(labels[i]).matches() || labels[i].startsWith("__"))
                {
                    throw new IllegalArgumentException("bad label name " + labels[i]);
                }
                out.append(i == 0 ? "" : ",").append(labels[i]).append("=\"");
                appendLabelValue(labels[i + 1] == null ? "" : labels[i + 1]);
                out.append('"');
            }
            out.append('}');
        }
        out.append(' ').append(format(value)).append('\n');
        return this;
    }

    /** A histogram family {@code name} (ending in {@code _seconds}): cumulative buckets, sum and count. */
    public MetricsText histogram(final String name, final String help, final LatencyHistogram histogram)
    {
        family(name, "histogram", help);
        final long total = histogram.count();
        long cumulative = 0;
        for (int i = 0; i < histogram.buckets(); i++)
        {
            cumulative += histogram.bucket(i);
            sample(name + "_bucket", Math.min(cumulative, total), "le", Double.toString(histogram.bound(i)));
        }
        sample(name + "_bucket", total, "le", "+Inf");
        sample(name + "_sum", histogram.sumNanos() / 1e9);
        return sample(name + "_count", total);
    }

    /** The text so far. */
    public String text()
    {
        return out.toString();
    }

    /** A number as the format writes it: integers without a fraction, {@code +Inf}, {@code -Inf}, {@code NaN}. */
    static String format(final double value)
    {
        if (Double.isNaN(value))
        {
            return "NaN";
        }
        if (Double.isInfinite(value))
        {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15)
        {
            return Long.toString((long)value);
        }
        return Double.toString(value);
    }

    private void appendLabelValue(final String value)
    {
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            switch (c)
            {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }

    private static void checkName(final String name)
    {
        if (!NAME.matcher(name).matches())
        {
            throw new IllegalArgumentException("bad metric name " + name);
        }
    }
}
