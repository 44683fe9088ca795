package org.headend.control.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.jline.reader.Candidate;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.Reference;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * A terminal with line editing (JLine): history, Tab completion and {@code ?} help, both computed by the session
 * from the same grammar that parses the line. Used on an interactive console and on SSH channels with a pty.
 * Quotes, backslashes and {@code !} are plain characters here, as on the ASA: a stray quote never turns the line
 * into a continuation prompt (bad-inputs #43).
 */
public final class JlineIo implements CliIo
{
    private static final String HELP_WIDGET = "asa-help";

    private final Terminal terminal;
    private final LineReader reader;
    private volatile CliSession session;

    private JlineIo(final Terminal terminal)
    {
        this.terminal = terminal;
        final DefaultParser parser = new DefaultParser().quoteChars(new char[0]).escapeChars(new char[0]);
        parser.setEofOnUnclosedQuote(false);
        this.reader = LineReaderBuilder.builder()
            .terminal(terminal)
            .parser(parser)
            .completer((lineReader, line, candidates) ->
            {
                final CliSession current = session;
                if (current == null)
                {
                    return;
                }
                final String typed = line.line().substring(0, Math.min(line.cursor(), line.line().length()));
                for (final String word : current.complete(typed))
                {
                    candidates.add(new Candidate(word, word, null, null, null, null, true));
                }
            })
            .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
            .option(LineReader.Option.AUTO_MENU, false)
            .option(LineReader.Option.CASE_INSENSITIVE, true)
            .build();
        reader.getWidgets().put(HELP_WIDGET, this::help);
        reader.getKeyMaps().get(LineReader.MAIN).bind(new Reference(HELP_WIDGET), "?");
    }

    /** The process's own terminal (the interactive serial console). */
    static JlineIo system() throws IOException
    {
        return new JlineIo(TerminalBuilder.builder().system(true).build());
    }

    /**
     * A terminal over a pair of streams whose far end is in raw mode (an SSH client's pty, a console device): JLine's
     * own line discipline turns each line end into CR LF.
     *
     * @param type    the client's TERM, e.g. {@code xterm-256color}
     * @param columns its width, 0 when unknown
     * @param rows    its height, 0 when unknown
     */
    public static JlineIo overStreams(final InputStream in, final OutputStream out, final String type,
        final int columns, final int rows) throws IOException
    {
        final TerminalBuilder builder = TerminalBuilder.builder().system(false).streams(in, out)
            .type(type == null || type.isBlank() ? "vt100" : type);
        if (columns > 0 && rows > 0)
        {
            builder.size(new Size(columns, rows));
        }
        return new JlineIo(builder.build());
    }

    /** Help and completion follow this session (a new one after {@code exit} on the console). */
    void attach(final CliSession current)
    {
        this.session = current;
    }

    public Terminal terminal()
    {
        return terminal;
    }

    /** {@code ?}: prints what may come next under the line, then redraws the prompt and what was typed. */
    private boolean help()
    {
        final CliSession current = session;
        if (current == null)
        {
            return true;
        }
        final String typed = reader.getBuffer().toString().substring(0, reader.getBuffer().cursor());
        terminal.writer().print("\n");
        terminal.writer().print(current.help(typed));
        terminal.flush();
        reader.callWidget(LineReader.REDRAW_LINE);
        reader.callWidget(LineReader.REDISPLAY);
        return true;
    }

    @Override
    public void write(final String text)
    {
        terminal.writer().print(text);
    }

    @Override
    public void flush()
    {
        terminal.flush();
    }

    @Override
    public String readLine() throws IOException
    {
        return readLine("");
    }

    @Override
    public String readLine(final String prompt) throws IOException
    {
        return read(prompt, null);
    }

    @Override
    public String readSecret(final String prompt) throws IOException
    {
        return read(prompt, '*');
    }

    private String read(final String prompt, final Character mask)
    {
        while (true)
        {
            try
            {
                return reader.readLine(prompt, mask);
            }
            catch (final UserInterruptException ex)
            {
                // Ctrl-C drops the line being typed, as on the ASA
                continue;
            }
            catch (final EndOfFileException ex)
            {
                return null;
            }
        }
    }

    /** Closes the terminal (not the streams' other ends). */
    public void close()
    {
        try
        {
            terminal.close();
        }
        catch (final IOException ignored)
        {
            // closing anyway
        }
    }
}
