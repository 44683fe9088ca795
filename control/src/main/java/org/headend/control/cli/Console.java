package org.headend.control.cli;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serial console: one CLI session over a byte stream pair (the appliance passes standard input and output).
 * Works the same on a terminal, a pipe or a fifo. At end of input it stops reading; the appliance keeps running.
 */
public final class Console implements CliIo, Runnable
{
    /** Bytes kept of an over-long line: enough for the session to see it is too long and refuse it whole. */
    private static final int MAX_LINE_BYTES = CliSession.MAX_LINE_LENGTH + 1;
    private static final Logger LOG = LoggerFactory.getLogger(Console.class);

    private final CliContext context;
    private final InputStream in;
    private final OutputStream out;

    public Console(final CliContext context, final InputStream in, final OutputStream out)
    {
        this.context = context;
        this.in = in instanceof BufferedInputStream ? in : new BufferedInputStream(in);
        this.out = out;
    }

    /** Runs the console on its own daemon thread, so it never keeps the process alive. */
    public Thread start()
    {
        final Thread thread = new Thread(this, "console");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Prompts, reads and runs lines until end of input; {@code exit} starts a fresh session, as on the ASA. */
    @Override
    public void run()
    {
        try
        {
            CliSession session = new CliSession(context, this, "console");
            while (true)
            {
                // the ASA prints its prompt followed by one blank, and the operator types after it
                write(session.prompt() + " ");
                flush();
                final String line = readLine();
                if (line == null)
                {
                    write("\n");
                    flush();
                    return;
                }
                if (!session.execute(line))
                {
                    write("\nLogoff\n\n");
                    session = new CliSession(context, this, "console");
                }
                flush();
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            LOG.warn("console stopped", ex);
        }
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
