package org.headend.control.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.headend.control.config.ConfigCursor;
import org.headend.control.config.ConfigException;
import org.headend.control.config.ConfigLanguage;
import org.headend.control.config.ConfigLine;
import org.headend.control.config.HeadendConfig;
import org.headend.control.config.ParsedLine;
import org.headend.control.config.PasswordHash;
import org.headend.control.config.grammar.ErrorKind;
import org.headend.control.config.grammar.Grammar;
import org.headend.control.config.grammar.Mode;
import org.headend.control.config.grammar.SyntaxError;
import org.headend.control.config.grammar.Token;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One operator's CLI session: privilege, mode, place in the configuration, and the interpreter that runs each line,
 * including {@code ?} help, Tab completion candidates, output filters ({@code | include|exclude|begin|grep}) and
 * {@code | json}. Independent of the terminal ({@link CliIo}): the serial console and each SSH channel run their own
 * session over the shared {@link CliContext}; configuration changes are serialized by the store.
 * <p>
 * Privilege: a session starts in privileged EXEC ({@code #}) when it is the console and no {@code enable password}
 * is configured (a factory ASA's console), or when it is an SSH user of privilege 15 (as with the ASA's
 * {@code aaa authorization exec LOCAL auto-enable}); otherwise in user EXEC ({@code >}), where {@code enable} asks
 * for the enable password. Without an enable password, {@code enable} accepts an empty one on the console only.
 * <p>
 * Not thread-safe: one thread drives one session.
 */
public final class CliSession
{
    /** Longer input lines are refused whole (bad-inputs #43). */
    public static final int MAX_LINE_LENGTH = 4096;
    /** Password prompts per {@code enable}, as on the ASA. */
    static final int ENABLE_TRIES = 3;
    private static final Logger LOG = LoggerFactory.getLogger(CliSession.class);
    private static final List<String> FILTERS = List.of("begin", "exclude", "grep", "include", "json");
    private static final Map<String, String> FILTER_HELP = Map.of(
        "begin", "Begin with the line that matches",
        "exclude", "Exclude lines that match",
        "grep", "Include lines that match (grep -v: exclude)",
        "include", "Include lines that match",
        "json", "Print the output as JSON");

    private final CliContext context;
    private final CliIo io;
    private final String user;
    private final String from;
    private final boolean console;
    private boolean privileged;
    /** Where in the configuration the session is; null in the exec modes. */
    private ConfigCursor cursor;
    private boolean open = true;
    private int configLines;
    /** Whether the last configuration line was indented: the operator is pasting saved configuration text. */
    private boolean pasting;
    /** While a line with an output filter runs: what it printed. */
    private StringBuilder captured;
    private boolean jsonOutput;

    /** A console session (see the class comment for its starting privilege). */
    public CliSession(final CliContext context, final CliIo io, final String origin)
    {
        this(context, io, origin, origin, true, context.config().current().management().enablePassword() == null);
    }

    private CliSession(final CliContext context, final CliIo io, final String user, final String from,
        final boolean console, final boolean privileged)
    {
        this.context = context;
        this.io = io;
        this.user = user;
        this.from = from;
        this.console = console;
        this.privileged = privileged;
    }

    /** The serial console's session. */
    public static CliSession console(final CliContext context, final CliIo io)
    {
        return new CliSession(context, io, "console");
    }

    /** A console session on a terminal device; the audit log names the device. */
    public static CliSession console(final CliContext context, final CliIo io, final String device)
    {
        return new CliSession(context, io, "console " + device);
    }

    /**
     * An SSH session of an authenticated local user.
     *
     * @param from the client's address and port
     */
    public static CliSession ssh(final CliContext context, final CliIo io, final String user, final String from)
    {
        final var account = context.config().current().user(user);
        final boolean privileged = account.isPresent() && account.get().privilege() >= 15;
        return new CliSession(context, io, user, "ssh " + from, false, privileged);
    }

    /** The prompt for the current mode, e.g. {@code headend(config-group-policy)#}. */
    public String prompt()
    {
        return mode().prompt(context.config().current().hostname());
    }

    public Mode mode()
    {
        if (cursor != null)
        {
            return cursor.mode();
        }
        return privileged ? Mode.EXEC : Mode.USER_EXEC;
    }

    public boolean isPrivileged()
    {
        return privileged;
    }

    /** Who the session belongs to ({@code console} or the SSH user). */
    public String user()
    {
        return user;
    }

    /** Where the operator is ({@code console} or {@code ssh ADDRESS:PORT}). */
    public String from()
    {
        return from;
    }

    /** Whether the session is still open ({@code exit} in exec mode ends it). */
    public boolean isOpen()
    {
        return open;
    }

    /**
     * Runs one input line: a command, a blank line, a comment, or a request for help ending in {@code ?}. Errors
     * are printed, never thrown.
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
        if (line.stripTrailing().endsWith("?"))
        {
            final String before = line.stripTrailing();
            print(help(before.substring(0, before.length() - 1)));
            return open;
        }
        final List<Token> tokens = Token.split(line);
        if (tokens.isEmpty() || tokens.getFirst().text().startsWith("!") || tokens.getFirst().text().startsWith(":"))
        {
            return open;
        }
        final int pipe = pipeIndex(tokens);
        if (pipe < 0)
        {
            dispatch(line, tokens, prompt);
            return open;
        }
        final Filter filter = filter(line, tokens, pipe, prompt);
        if (filter == null)
        {
            return open;
        }
        final String command = line.substring(0, tokens.get(pipe).offset()).stripTrailing();
        if (pipe == 0)
        {
            printError(ErrorKind.INVALID_INPUT, 0, "", prompt, line);
            return open;
        }
        captured = new StringBuilder();
        jsonOutput = filter.json();
        try
        {
            dispatch(command, tokens.subList(0, pipe), prompt);
        }
        finally
        {
            final String text = captured.toString();
            captured = null;
            jsonOutput = false;
            io.write(filter.apply(text));
        }
        return open;
    }

    private void dispatch(final String line, final List<Token> tokens, final String prompt) throws IOException
    {
        try
        {
            if (cursor == null)
            {
                exec(line, tokens, prompt);
            }
            else
            {
                configure(line, tokens, prompt);
            }
        }
        catch (final RuntimeException ex)
        {
            // a command that fails (the control thread too busy to answer, a bug) must not take the terminal away
            LOG.warn("command '{}' of {} failed", AuditLog.mask(line), user, ex);
            print("ERROR: % The command failed: " + ex.getMessage() + "\n");
        }
    }

    private void exec(final String line, final List<Token> tokens, final String prompt) throws IOException
    {
        try
        {
            run(ExecCommands.grammar().parse(mode(), line, tokens));
        }
        catch (final SyntaxError ex)
        {
            if (!privileged)
            {
                try
                {
                    ExecCommands.grammar().parse(Mode.EXEC, line, tokens);
                    audit(line, "denied: privileged command in user EXEC");
                }
                catch (final SyntaxError notPrivilegedEither)
                {
                    // an ordinary typing error
                }
            }
            printError(ex.kind(), ex.column(), ex.reason(), prompt, line);
        }
    }

    private void configure(final String line, final List<Token> tokens, final String prompt) throws IOException
    {
        final Mode before = mode();
        final int indentation = line.length() - line.stripLeading().length();
        // in pasted show running-config text the indentation tells the block a line belongs to, also for the
        // unindented global lines that follow an indented block
        final boolean indented = indentation > 0 || pasting;
        pasting = indentation > 0;
        final ParsedLine parsed;
        try
        {
            parsed = ConfigLanguage.parse(cursor, line, indented ? indentation : cursor.depth());
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
                context.services().audit().record(user, from, before.tag(), line, "refused: " + shown.reason());
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
                    cursor = context.config().apply(cursor, parsed, from, ++configLines);
                    context.services().audit().record(user, from, before.tag(), line, "ok");
                }
                catch (final ConfigException ex)
                {
                    printError(ex.kind(), ex.column(), ex.reason(), prompt, line);
                    context.services().audit().record(user, from, before.tag(), line, "refused: " + ex.reason());
                }
            }
        }
    }

    private void run(final Grammar.Match<ExecCommand> match) throws IOException
    {
        if (jsonOutput && !match.payload().showsData())
        {
            print("ERROR: % json output is only available for show commands\n");
            return;
        }
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

    // ---------------------------------------------------------------- output filters

    /** The index of the {@code |} token, or -1. */
    private static int pipeIndex(final List<Token> tokens)
    {
        for (int i = 0; i < tokens.size(); i++)
        {
            if (tokens.get(i).text().equals("|"))
            {
                return i;
            }
        }
        return -1;
    }

    /** An output filter: {@code include|exclude|begin|grep [-v] REGEX} or {@code json}. */
    private record Filter(String kind, Pattern pattern, boolean invert)
    {
        boolean json()
        {
            return kind.equals("json");
        }

        String apply(final String text)
        {
            if (json())
            {
                return text;
            }
            final StringBuilder out = new StringBuilder();
            boolean begun = false;
            final String[] lines = text.split("\n", -1);
            final int count = text.endsWith("\n") ? lines.length - 1 : lines.length;
            for (int i = 0; i < count; i++)
            {
                final String line = lines[i];
                final boolean found = pattern.matcher(line).find();
                final boolean keep = switch (kind)
                {
                    case "begin" -> begun = begun || found;
                    case "exclude" -> !found;
                    default -> found != invert;
                };
                if (keep)
                {
                    out.append(line).append('\n');
                }
            }
            return out.toString();
        }
    }

    private Filter filter(final String line, final List<Token> tokens, final int pipe, final String prompt)
        throws IOException
    {
        if (pipe + 1 >= tokens.size())
        {
            print("ERROR: % Incomplete command\n");
            return null;
        }
        final Token word = tokens.get(pipe + 1);
        final String kind = uniquePrefix(FILTERS, word.text().toLowerCase(Locale.ROOT));
        if (kind == null)
        {
            printError(ErrorKind.INVALID_INPUT, word.offset(), "", prompt, line);
            return null;
        }
        if (kind.equals("json"))
        {
            if (tokens.size() > pipe + 2)
            {
                printError(ErrorKind.INVALID_INPUT, tokens.get(pipe + 2).offset(), "", prompt, line);
                return null;
            }
            return new Filter(kind, null, false);
        }
        if (tokens.size() <= pipe + 2)
        {
            print("ERROR: % Incomplete command\n");
            return null;
        }
        boolean invert = false;
        int regexToken = pipe + 2;
        if (kind.equals("grep") && tokens.get(regexToken).text().equals("-v"))
        {
            invert = true;
            regexToken++;
            if (regexToken >= tokens.size())
            {
                print("ERROR: % Incomplete command\n");
                return null;
            }
        }
        final String regex = line.substring(tokens.get(regexToken).offset()).strip();
        try
        {
            return new Filter(kind, Pattern.compile(regex), invert);
        }
        catch (final PatternSyntaxException ex)
        {
            print("ERROR: % Invalid regular expression: " + ex.getDescription() + "\n");
            return null;
        }
    }

    private static String uniquePrefix(final List<String> words, final String typed)
    {
        String found = null;
        for (final String word : words)
        {
            if (word.equals(typed))
            {
                return word;
            }
            if (word.startsWith(typed))
            {
                if (found != null)
                {
                    return null;
                }
                found = word;
            }
        }
        return found;
    }

    // ---------------------------------------------------------------- help and completion

    /**
     * The {@code ?} help for a line typed so far: when it ends in a blank, what may come next; otherwise the
     * keywords that complete the last word. The text ends with a newline.
     */
    public String help(final String typed)
    {
        final List<Token> tokens = Token.split(typed);
        final boolean partial = !typed.isEmpty() && !Character.isWhitespace(typed.charAt(typed.length() - 1))
            && !tokens.isEmpty();
        final List<Token> complete = partial ? tokens.subList(0, tokens.size() - 1) : tokens;
        final String word = partial ? tokens.getLast().text() : "";
        final StringBuilder out = new StringBuilder();
        if (mode().isConfiguration())
        {
            out.append(mode().tag()).append(" mode commands/options:\n");
        }
        final int pipe = pipeIndex(complete);
        if (pipe >= 0)
        {
            appendFilterHelp(complete.size() - pipe - 1, word, out);
            return out.toString();
        }
        final Collected collected = collect(typed, complete, word);
        if (collected.candidates.isEmpty() && !collected.complete)
        {
            return out.append("ERROR: % Unrecognized command\n").toString();
        }
        int width = 0;
        for (final Grammar.Candidate c : collected.candidates)
        {
            width = Math.max(width, c.text().length());
        }
        final HeadendConfig config = context.config().current();
        final List<String> references = new ArrayList<>();
        final Set<String> shown = new LinkedHashSet<>();
        for (final Grammar.Candidate c : collected.candidates)
        {
            if (shown.add(c.text() + "\u0000" + c.help()))
            {
                out.append("  ").append(String.format("%-" + Math.max(width, 4) + "s", c.text())).append("  ")
                    .append(c.help()).append('\n');
            }
            if (!c.keyword())
            {
                final Map.Entry<String, List<String>> names = ConfigLanguage.namesFor(c.type(), config);
                final String line = names == null ? null : "Available configured " + names.getKey() + ": "
                    + String.join(" ", names.getValue());
                if (line != null && !references.contains(line))
                {
                    references.add(line);
                }
            }
        }
        if (collected.complete)
        {
            if (!partial && !complete.isEmpty() && !mode().isConfiguration())
            {
                out.append("  |").append(" ".repeat(Math.max(width, 4) + 1)).append("Output modifiers\n");
            }
            out.append("  <cr>\n");
        }
        references.forEach(r -> out.append(r).append('\n'));
        return out.toString();
    }

    /**
     * Tab completion: the words that may replace the last (partial) word of {@code typed}, keywords first, then
     * configured names where an argument refers to an object.
     */
    public List<String> complete(final String typed)
    {
        final List<Token> tokens = Token.split(typed);
        final boolean partial = !typed.isEmpty() && !Character.isWhitespace(typed.charAt(typed.length() - 1))
            && !tokens.isEmpty();
        final List<Token> complete = partial ? tokens.subList(0, tokens.size() - 1) : tokens;
        final String word = partial ? tokens.getLast().text() : "";
        final Set<String> out = new LinkedHashSet<>();
        final int pipe = pipeIndex(complete);
        if (pipe >= 0)
        {
            if (complete.size() == pipe + 1)
            {
                FILTERS.stream().filter(f -> f.startsWith(word.toLowerCase(Locale.ROOT))).forEach(out::add);
            }
            return List.copyOf(out);
        }
        final HeadendConfig config = context.config().current();
        for (final Grammar.Candidate c : collect(typed, complete, word).candidates)
        {
            if (c.keyword())
            {
                out.add(c.text());
            }
            else
            {
                final Map.Entry<String, List<String>> names = ConfigLanguage.namesFor(c.type(), config);
                if (names != null)
                {
                    names.getValue().stream().filter(n -> n.startsWith(word)).forEach(out::add);
                }
            }
        }
        return List.copyOf(out);
    }

    private record Collected(List<Grammar.Candidate> candidates, boolean complete)
    {
    }

    /** Help from every grammar the current mode reads lines with, merged without duplicates. */
    private Collected collect(final String typed, final List<Token> complete, final String word)
    {
        final List<Grammar.Help> helps = new ArrayList<>();
        if (cursor == null)
        {
            helps.add(ExecCommands.grammar().help(mode(), typed, complete, word));
        }
        else
        {
            if (complete.isEmpty())
            {
                helps.add(ConfigLanguage.grammar().help(cursor.mode(), typed, complete, word));
            }
            else
            {
                for (final int depth : ConfigLanguage.candidateDepths(cursor, complete))
                {
                    helps.add(ConfigLanguage.grammar().help(cursor.modeAt(depth), typed, complete, word));
                }
            }
            helps.add(ExecCommands.grammar().help(Mode.CONFIG, typed, complete, word));
        }
        final List<Grammar.Candidate> candidates = new ArrayList<>();
        final Set<String> seen = new LinkedHashSet<>();
        boolean done = false;
        for (final Grammar.Help help : helps)
        {
            done |= help.complete();
            for (final Grammar.Candidate c : help.candidates())
            {
                if (c.keyword() ? seen.add(c.text()) : seen.add(c.text() + "\u0000" + c.help() + "\u0000" + c.type()))
                {
                    candidates.add(c);
                }
            }
        }
        candidates.sort((a, b) -> a.keyword() == b.keyword() ? (a.keyword() ? a.text().compareTo(b.text()) : 0)
            : a.keyword() ? -1 : 1);
        return new Collected(candidates, done);
    }

    private static void appendFilterHelp(final int after, final String word, final StringBuilder out)
    {
        if (after == 0)
        {
            for (final String filter : FILTERS)
            {
                if (filter.startsWith(word.toLowerCase(Locale.ROOT)))
                {
                    out.append(String.format("  %-8s  %s%n", filter, FILTER_HELP.get(filter)));
                }
            }
        }
        else
        {
            out.append("  LINE      Regular expression\n");
        }
    }

    // ---------------------------------------------------------------- for the commands

    CliContext context()
    {
        return context;
    }

    /** Prints text (into the filter's buffer while a filtered line runs). */
    void print(final String text) throws IOException
    {
        if (captured != null)
        {
            captured.append(text);
        }
        else
        {
            io.write(text);
        }
    }

    /** Prints a show command's result: its text, or its data as JSON under {@code | json}. */
    void emit(final Output output) throws IOException
    {
        print(jsonOutput ? Json.write(output.data()) : output.text());
    }

    void enterConfiguration()
    {
        cursor = ConfigCursor.TOP;
    }

    void close()
    {
        open = false;
    }

    void disable()
    {
        privileged = false;
    }

    /** Records an exec command that changes state. */
    void audit(final String command, final String outcome)
    {
        context.services().audit().record(user, from, mode().tag(), command, outcome);
    }

    /**
     * {@code enable}: asks for the enable password up to three times; refused while the operator is locked out
     * after repeated failures (bad-inputs #46). Every failure is logged and audited.
     */
    void enable() throws IOException
    {
        if (privileged)
        {
            return;
        }
        final CliContext.Services services = context.services();
        // the operator and the client's address, not its port: another connection buys no more guesses
        final String address = clientAddress();
        final long locked = services.enableGuard().lockedFor(user, address, services.nanoClock().getAsLong());
        if (locked > 0)
        {
            print("ERROR: % Too many failed enable attempts; try again in " + (locked / 1_000_000_000L + 1)
                + " seconds\n");
            audit("enable", "denied: locked out");
            return;
        }
        final PasswordHash enablePassword = context.config().current().management().enablePassword();
        if (enablePassword == null && !console)
        {
            print("ERROR: % No enable password is configured; privileged mode is reachable from the console only\n");
            audit("enable", "denied: no enable password");
            return;
        }
        for (int attempt = 0; attempt < ENABLE_TRIES; attempt++)
        {
            final String typed = io.readSecret("Password: ");
            if (typed == null)
            {
                return;
            }
            final boolean good = enablePassword == null ? typed.isEmpty() : enablePassword.matches(typed);
            if (good)
            {
                services.enableGuard().onSuccess(user);
                privileged = true;
                audit("enable", "ok");
                return;
            }
            services.enableGuard().onFailure(user, address, services.nanoClock().getAsLong());
            audit("enable", "denied: wrong password");
            if (services.enableGuard().lockedFor(user, address, services.nanoClock().getAsLong()) > 0)
            {
                break;
            }
        }
        print("% Bad passwords\n");
    }

    /** The client's address without its port ({@code ssh 192.0.2.7:50122} → {@code 192.0.2.7}), or the console. */
    private String clientAddress()
    {
        if (!from.startsWith("ssh "))
        {
            return from;
        }
        final int colon = from.lastIndexOf(':');
        return colon > 4 ? from.substring(4, colon) : from.substring(4);
    }

    /**
     * Asks the ASA way: the question, then one line; Enter, {@code y} or {@code yes} proceed, anything else (or end
     * of input) aborts.
     */
    boolean confirm(final String question) throws IOException
    {
        final String answer = io.readLine(question);
        if (answer == null)
        {
            return false;
        }
        final String trimmed = answer.strip();
        return trimmed.isEmpty() || trimmed.equalsIgnoreCase("y") || trimmed.equalsIgnoreCase("yes");
    }

    /** Asks for a value with a default in brackets, e.g. {@code Delete filename [x.pkg]?}; null at end of input. */
    String ask(final String question) throws IOException
    {
        return io.readLine(question);
    }
}
