package org.headend.control.cli;

import java.io.IOException;
import java.util.List;
import org.headend.control.config.ConfigCursor;
import org.headend.control.config.ConfigException;
import org.headend.control.config.ConfigLanguage;
import org.headend.control.config.ConfigLine;
import org.headend.control.config.ParsedLine;
import org.headend.control.config.grammar.ErrorKind;
import org.headend.control.config.grammar.Grammar;
import org.headend.control.config.grammar.Mode;
import org.headend.control.config.grammar.SyntaxError;
import org.headend.control.config.grammar.Token;

/**
 * One operator's CLI session: its mode, its place in the configuration, and the interpreter that runs each line.
 * Independent of the terminal ({@link CliIo}), so the serial console and, later, each SSH channel run their own
 * session over the shared {@link CliContext}; configuration changes are serialized by the store.
 * <p>
 * Not thread-safe: one thread drives one session.
 */
public final class CliSession
{
    /** Longer input lines are refused whole (bad-inputs #43). */
    public static final int MAX_LINE_LENGTH = 4096;

    private final CliContext context;
    private final CliIo io;
    private final String origin;
    /** Where in the configuration the session is; null in exec mode. */
    private ConfigCursor cursor;
    private boolean open = true;
    private int configLines;

    /**
     * @param context the appliance's shared state
     * @param io      the terminal
     * @param origin  who and where, recorded with each configuration line (e.g. {@code console})
     */
    public CliSession(final CliContext context, final CliIo io, final String origin)
    {
        this.context = context;
        this.io = io;
        this.origin = origin;
    }

    /** The prompt for the current mode, e.g. {@code headend(config-group-policy)#}. */
    public String prompt()
    {
        return mode().prompt(context.config().current().hostname());
    }

    public Mode mode()
    {
        return cursor == null ? Mode.EXEC : cursor.mode();
    }

    /** Whether the session is still open ({@code exit} in exec mode ends it). */
    public boolean isOpen()
    {
        return open;
    }

    /**
     * Runs one input line: a command, a blank line or a comment. Errors are printed, never thrown.
     *
     * @return whether the session is still open
     * @throws IOException when the terminal fails
     */
    public boolean execute(final String line) throws IOException
    {
        final String prompt = prompt();
        if (line.length() > MAX_LINE_LENGTH)
        {
            print("ERROR: % Line too long (more than " + MAX_LINE_LENGTH + " characters); ignored\n");
            return open;
        }
        for (int i = 0; i < line.length(); i++)
        {
            final char c = line.charAt(i);
            if ((c < ' ' && c != '\t') || c >= 0x7F)
            {
                print("ERROR: % Invalid character in input; line ignored\n");
                return open;
            }
        }
        final List<Token> tokens = Token.split(line);
        if (tokens.isEmpty() || tokens.getFirst().text().startsWith("!") || tokens.getFirst().text().startsWith(":"))
        {
            return open;
        }
        if (cursor == null)
        {
            try
            {
                run(ExecCommands.grammar().parse(Mode.EXEC, line, tokens));
            }
            catch (final SyntaxError ex)
            {
                printError(ex.kind(), ex.column(), ex.reason(), prompt, line);
            }
        }
        else
        {
            configure(line, tokens, prompt);
        }
        return open;
    }

    private void configure(final String line, final List<Token> tokens, final String prompt) throws IOException
    {
        final ParsedLine parsed;
        try
        {
            parsed = ConfigLanguage.parse(cursor, line);
        }
        catch (final SyntaxError configError)
        {
            try
            {
                run(ExecCommands.grammar().parse(Mode.CONFIG, line, tokens));
            }
            catch (final SyntaxError execError)
            {
                final SyntaxError shown = execError.tokenIndex() > configError.tokenIndex() ? execError : configError;
                printError(shown.kind(), shown.column(), shown.reason(), prompt, line);
            }
            return;
        }
        switch (parsed.line())
        {
            case ConfigLine.Exit exit -> cursor = cursor.depth() == 0 ? null : cursor.exit();
            case ConfigLine.End end -> cursor = null;
            default ->
            {
                try
                {
                    cursor = context.config().apply(cursor, parsed, origin, ++configLines);
                }
                catch (final ConfigException ex)
                {
                    printError(ex.kind(), ex.column(), ex.reason(), prompt, line);
                }
            }
        }
    }

    private void run(final Grammar.Match<ExecCommand> match) throws IOException
    {
        match.payload().action().run(this, match.arguments());
    }

    /** The ASA's error forms: a caret under the bad token, or one line for incomplete, ambiguous and refused. */
    private void printError(final ErrorKind kind, final int column, final String reason, final String prompt,
        final String line) throws IOException
    {
        switch (kind)
        {
            case INVALID_INPUT -> print(" ".repeat(prompt.length() + 1 + Math.max(0, column)) + "^\n"
                + "ERROR: % Invalid input detected at '^' marker.\n");
            case INCOMPLETE -> print("ERROR: % Incomplete command\n");
            case AMBIGUOUS -> print("ERROR: % Ambiguous command:  \"" + line.strip() + "\"\n");
            case REJECTED -> print("ERROR: " + reason + "\n");
        }
    }

    CliContext context()
    {
        return context;
    }

    void print(final String text) throws IOException
    {
        io.write(text);
    }

    void enterConfiguration()
    {
        cursor = ConfigCursor.TOP;
    }

    void close()
    {
        open = false;
    }

    /**
     * Asks the ASA way: the question, then one line; Enter, {@code y} or {@code yes} proceed, anything else (or end
     * of input) aborts.
     */
    boolean confirm(final String question) throws IOException
    {
        io.write(question);
        io.flush();
        final String answer = io.readLine();
        if (answer == null)
        {
            return false;
        }
        final String trimmed = answer.strip();
        return trimmed.isEmpty() || trimmed.equalsIgnoreCase("y") || trimmed.equalsIgnoreCase("yes");
    }
}
