package org.headend.control.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.headend.nativecfg.NativeCallException;
import org.headend.nativecfg.tty.SerialLine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serial console: one CLI session over standard input and output (or a tty device). On a pipe or a fifo it
 * reads plain lines ({@link StreamIo}); on a terminal it edits lines with JLine, with {@code ?} help and Tab
 * completion from the grammar ({@link JlineIo}). At end of input it stops reading; the appliance keeps running.
 */
public final class Console implements Runnable
{
    private static final Logger LOG = LoggerFactory.getLogger(Console.class);

    private final CliContext context;
    private final CliIo io;
    private final JlineIo editor;
    /** The terminal device this console runs on, or null for standard input/output. */
    private final SerialLine line;

    /** A console over a byte stream pair, without line editing. */
    public Console(final CliContext context, final InputStream in, final OutputStream out)
    {
        this.context = context;
        this.io = new StreamIo(in, out);
        this.editor = null;
        this.line = null;
    }

    private Console(final CliContext context, final JlineIo editor, final SerialLine line)
    {
        this.context = context;
        this.io = editor;
        this.editor = editor;
        this.line = line;
    }

    /**
     * The console on a terminal device (a serial port such as {@code /dev/ttyS0}), in raw mode with JLine's line
     * editing, as on an SSH channel with a pty.
     *
     * @throws IOException when the device cannot be opened or is not a terminal
     */
    public static Console onDevice(final CliContext context, final String device) throws IOException
    {
        final SerialLine line;
        try
        {
            line = SerialLine.open(device);
        }
        catch (final NativeCallException ex)
        {
            throw new IOException(ex.getMessage(), ex);
        }
        try
        {
            return new Console(context, JlineIo.overStreams(line.input(), line.output(), "vt100", 0, 0), line);
        }
        catch (final IOException | RuntimeException ex)
        {
            line.close();
            throw ex;
        }
    }

    /**
     * The console on standard input/output: JLine when both are a terminal, plain lines otherwise (pipe, fifo,
     * file), so scripts and the tests drive it the same way as ever.
     */
    public static Console onStandardStreams(final CliContext context)
    {
        final java.io.Console terminal = System.console();
        if (terminal != null && terminal.isTerminal())
        {
            try
            {
                return new Console(context, JlineIo.system(), null);
            }
            catch (final IOException | RuntimeException ex)
            {
                LOG.warn("no line editing on the console ({}); reading plain lines", ex.toString());
            }
        }
        return new Console(context, System.in, System.out);
    }

    /** Gives a terminal device back as it was (its settings restored); nothing for standard input/output. */
    public void closeDevice()
    {
        if (line != null)
        {
            line.close();
        }
    }

    /** Runs the console on its own daemon thread, so it never keeps the process alive. */
    public Thread start()
    {
        final Thread thread = new Thread(this, line == null ? "console" : "console " + line.path());
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
            CliLoop.run(io, () -> line == null ? CliSession.console(context, io)
                : CliSession.console(context, io, line.path()), CliLoop.OnExit.NEW_SESSION,
                editor == null ? null : editor::attach);
            if (line != null)
            {
                LOG.info("console on {} ended: the line hung up", line.path());
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            LOG.warn("console{} stopped", line == null ? "" : " on " + line.path(), ex);
        }
        finally
        {
            if (line != null)
            {
                line.close();
            }
        }
    }
}
