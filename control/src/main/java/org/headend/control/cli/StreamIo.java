package org.headend.control.cli;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A terminal that is just a byte stream pair: a pipe, a fifo, or an SSH channel without a pty. Lines end in LF or
 * CR LF; nothing is echoed or edited.
 */
public final class StreamIo implements CliIo
{
    /** Bytes kept of an over-long line: enough for the session to see it is too long and refuse it whole. */
    private static final int MAX_LINE_BYTES = CliSession.MAX_LINE_LENGTH + 1;

    private final InputStream in;
    private final OutputStream out;

    public StreamIo(final InputStream in, final OutputStream out)
    {
        this.in = in instanceof BufferedInputStream ? in : new BufferedInputStream(in);
        this.out = out;
    }

    @Override
    public void write(final String text) throws IOException
    {
        out.write(text.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void flush() throws IOException
    {
        out.flush();
    }

    /** One line, LF or CR LF terminated; an over-long line is cut (and then refused) and its rest skipped. */
    @Override
    public String readLine() throws IOException
    {
        final ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b = in.read();
        if (b < 0)
        {
            return null;
        }
        while (b >= 0 && b != '\n')
        {
            if (line.size() < MAX_LINE_BYTES)
            {
                line.write(b);
            }
            b = in.read();
        }
        final String text = line.toString(StandardCharsets.UTF_8);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }
}
