package org.headend.control.config;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.headend.control.config.grammar.ErrorKind;
import org.headend.control.config.grammar.SyntaxError;

/**
 * Reads a whole configuration file (ASA syntax) into a fresh tree. The first bad line stops the load with its line
 * number and reason; the caller then keeps the configuration it had (bad-inputs #48).
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

    /** Applies every line of the text to {@code tree}, as a load does; the first bad line stops it. */
    static void loadInto(final ConfigTree tree, final String text, final String source) throws ConfigException
    {
        final String[] lines = text.split("\n", -1);
        final Map<List<ConfigCursor.Frame>, Integer> blocksOpened = new HashMap<>();
        ConfigCursor cursor = ConfigCursor.TOP;
        String first = null;
        String last = null;
        int lastNumber = 0;
        for (int i = 0; i < lines.length; i++)
        {
            final int number = i + 1;
            final String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            checkCharacters(line, source, number);
            final String trimmed = line.strip();
            if (trimmed.isEmpty())
            {
                continue;
            }
            first = first == null ? trimmed : first;
            last = trimmed;
            lastNumber = number;
            if (trimmed.startsWith("!") || trimmed.startsWith(":"))
            {
                continue;
            }
            final ParsedLine parsed = parse(cursor, line, source, number);
            switch (parsed.line())
            {
                case ConfigLine.Exit exit -> cursor = cursor.truncate(parsed.depth()).exit();
                case ConfigLine.End end -> cursor = ConfigCursor.TOP;
                default ->
                {
                    final ConfigTree.Applied applied = tree.apply(cursor, parsed, source, number);
                    cursor = applied.cursor();
                    if (applied.entered() != null)
                    {
                        final Integer opened = blocksOpened.putIfAbsent(cursor.path(), number);
                        if (opened != null)
                        {
                            throw new ConfigException(source, number, -1, ErrorKind.REJECTED,
                                "duplicate '" + applied.entered().key + "' block (first at line " + opened + ")");
                        }
                    }
                }
            }
        }
        if (HEADER.equals(first) && !TRAILER.equals(last))
        {
            throw new ConfigException(source, lastNumber, -1, ErrorKind.INCOMPLETE,
                "the file starts with '" + HEADER + "' but does not end with '" + TRAILER + "': truncated?");
        }
    }

    static ParsedLine parse(final ConfigCursor cursor, final String line, final String source, final int number)
        throws ConfigException
    {
        try
        {
            return ConfigLanguage.parse(cursor, line);
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
