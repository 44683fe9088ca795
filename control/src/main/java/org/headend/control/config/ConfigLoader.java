package org.headend.control.config;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.headend.control.config.grammar.ErrorKind;
import org.headend.control.config.grammar.SyntaxError;

/**
 * Reads configuration text (ASA syntax) line by line with the CLI's semantics, into a fresh tree or on top of a copy
 * of the running one. The first bad line stops the read with its line number and reason; the caller then keeps the
 * configuration it had (bad-inputs #48).
 */
final class ConfigLoader
{
    /** Longer lines are refused: no command needs them, and they are a cheap way to flood the parser. */
    static final int MAX_LINE_LENGTH = 1024;
    static final String HEADER = ": Saved";
    static final String TRAILER = ": end";

    private ConfigLoader()
    {
    }

    /** Decodes strict UTF-8 and loads; invalid bytes are reported on the line they are on. */
    static ConfigTree load(final byte[] bytes, final String source) throws ConfigException
    {
        try
        {
            final String text = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes)).toString();
            return load(text, source);
        }
        catch (final CharacterCodingException ex)
        {
            throw new ConfigException(source, lineOfFirstBadByte(bytes), -1, ErrorKind.INVALID_INPUT,
                "invalid UTF-8");
        }
    }

    static ConfigTree load(final String text, final String source) throws ConfigException
    {
        final ConfigTree tree = new ConfigTree();
        loadInto(tree, text, source);
        return tree;
    }

    /** Decodes strict UTF-8, then applies every line to {@code tree} (which the caller discards on error). */
    static void loadInto(final ConfigTree tree, final byte[] bytes, final String source) throws ConfigException
    {
        final String text;
        try
        {
            text = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes)).toString();
        }
        catch (final CharacterCodingException ex)
        {
            throw new ConfigException(source, lineOfFirstBadByte(bytes), -1, ErrorKind.INVALID_INPUT,
                "invalid UTF-8");
        }
        loadInto(tree, text, source);
    }

    /**
     * Applies every line of the text to {@code tree} as if typed at the CLI, from global configuration mode: a
     * header that names an existing block (a second {@code webvpn}, {@code group-policy X attributes}, …) re-enters
     * it and its lines merge, {@code no} lines remove. The first bad line stops it with its number; the caller
     * discards {@code tree} then, so nothing is half-applied.
     */
    static void loadInto(final ConfigTree tree, final String text, final String source) throws ConfigException
    {
        final String[] lines = text.split("\n", -1);
        final boolean indented = java.util.Arrays.stream(lines).anyMatch(ConfigLoader::isIndented);
        ConfigCursor cursor = ConfigCursor.TOP;
        String first = null;
        String last = null;
        int lastNumber = 0;
        for (int i = 0; i < lines.length; i++)
        {
            final int number = i + 1;
            final String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            final String trimmed = line.strip();
            if (!trimmed.isEmpty())
            {
                first = first == null ? trimmed : first;
                last = trimmed;
                lastNumber = number;
            }
            cursor = read(tree, cursor, line, indented, source, number).cursor();
        }
        if (HEADER.equals(first) && !TRAILER.equals(last))
        {
            throw new ConfigException(source, lastNumber, -1, ErrorKind.INCOMPLETE,
                "the file starts with '" + HEADER + "' but does not end with '" + TRAILER + "': truncated?");
        }
    }

    /**
     * Reads one line into {@code tree} at {@code cursor}, exactly as the CLI's configuration modes do: blank lines
     * and comments ({@code !}, {@code :}) change nothing, {@code exit} and {@code end} only move the cursor, any
     * other line is set or removed (see {@link ConfigTree#apply}). Startup-config, {@code copy FILE running-config}
     * and typed lines all come through here.
     *
     * @param indented whether the text is indented as {@code show running-config} prints it, so that a line's
     *                 indentation says how many sub-modes it is under (flat text relies on the modes alone)
     * @return where the reader stands afterwards and whether the tree changed
     */
    static ConfigTree.Applied read(final ConfigTree tree, final ConfigCursor cursor, final String line,
        final boolean indented, final String source, final int number) throws ConfigException
    {
        checkCharacters(line, source, number);
        final String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("!") || trimmed.startsWith(":"))
        {
            return new ConfigTree.Applied(cursor, false, null);
        }
        final ParsedLine parsed = parse(cursor, line, indented ? indentation(line) : cursor.depth(), source, number);
        return switch (parsed.line())
        {
            case ConfigLine.Exit exit -> new ConfigTree.Applied(cursor.truncate(parsed.depth()).exit(), false, null);
            case ConfigLine.End end -> new ConfigTree.Applied(ConfigCursor.TOP, false, null);
            default -> tree.apply(cursor, parsed, source, number);
        };
    }

    /** Whether the line starts with a blank or a tab: a sub-mode line of indented text. */
    static boolean isIndented(final String line)
    {
        return !line.isBlank() && Character.isWhitespace(line.charAt(0));
    }

    /** How many blanks (a tab counting as one) a line starts with: its depth in indented text. */
    static int indentation(final String line)
    {
        return line.length() - line.stripLeading().length();
    }

    static ParsedLine parse(final ConfigCursor cursor, final String line, final int preferredDepth,
        final String source, final int number) throws ConfigException
    {
        try
        {
            return ConfigLanguage.parse(cursor, line, preferredDepth);
        }
        catch (final SyntaxError ex)
        {
            throw new ConfigException(source, number, ex.column(), ex.kind(), ex.reason());
        }
    }

    /** Length, control characters (ANSI escapes included) and non-ASCII text are refused before parsing. */
    static void checkCharacters(final String line, final String source, final int number) throws ConfigException
    {
        if (line.length() > MAX_LINE_LENGTH)
        {
            throw new ConfigException(source, number, -1, ErrorKind.INVALID_INPUT,
                "line longer than " + MAX_LINE_LENGTH + " characters");
        }
        for (int i = 0; i < line.length(); i++)
        {
            final char c = line.charAt(i);
            if ((c < ' ' && c != '\t') || c >= 0x7F)
            {
                throw new ConfigException(source, number, i, ErrorKind.INVALID_INPUT,
                    c >= 0x80 ? "non-ASCII character at column " + (i + 1)
                        : String.format("control character 0x%02x at column %d", (int)c, i + 1));
            }
        }
    }

    private static int lineOfFirstBadByte(final byte[] bytes)
    {
        final var decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
        int line = 1;
        int start = 0;
        for (int i = 0; i <= bytes.length; i++)
        {
            if (i == bytes.length || bytes[i] == '\n')
            {
                try
                {
                    decoder.reset().decode(ByteBuffer.wrap(bytes, start, i - start));
                }
                catch (final CharacterCodingException ex)
                {
                    return line;
                }
                line++;
                start = i + 1;
            }
        }
        return line;
    }
}
