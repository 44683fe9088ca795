package org.headend.control.config.grammar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class GrammarTest
{
    private static Grammar<String> grammar()
    {
        final Grammar<String> g = new Grammar<>();
        g.add(Mode.EXEC, new SyntaxBuilder.Part().kw("show", "").kw("running-config", "").elements(), "run");
        g.add(Mode.EXEC, new SyntaxBuilder.Part().kw("show", "").kw("startup-config", "").elements(), "start");
        g.add(Mode.EXEC, new SyntaxBuilder.Part().kw("configure", "").kw("terminal", "").elements(), "conf");
        g.add(Mode.EXEC, new SyntaxBuilder.Part().kw("copy", "").kw("running-config", "").kw("startup-config", "").elements(),
            "copy");
        g.add(Mode.EXEC, new SyntaxBuilder.Part().kw("set", "").arg("n", ArgTypes.integer(15, 600), "")
            .optional("fast", p -> p.kw("fast", "")).elements(), "set");
        g.add(Mode.EXEC, new SyntaxBuilder.Part().kw("pools", "").repeat(1, 3, "pool", ArgTypes.NAME, "").elements(), "pools");
        g.add(Mode.EXEC, new SyntaxBuilder.Part().kw("proto", "").repeatChoice(1, 2, "p", "ikev1", "", "ikev2", "", "ssl-client",
            "").elements(), "proto");
        g.add(Mode.EXEC, new SyntaxBuilder.Part().kw("banner", "").arg("text", ArgTypes.LINE, "").elements(), "banner");
        return g;
    }

    private static Grammar.Match<String> parse(final String line) throws SyntaxError
    {
        return grammar().parse(Mode.EXEC, line, Token.split(line));
    }

    @Test
    void shouldAcceptUnambiguousAbbreviationsWhenEachPrefixSelectsOneKeyword() throws SyntaxError
    {
        assertEquals("conf", parse("conf t").payload());
        assertEquals("run", parse("sh run").payload());
        assertEquals("start", parse("SH START").payload());
    }

    @Test
    void shouldReportAmbiguousWhenPrefixFitsTwoKeywords()
    {
        final SyntaxError error = assertThrows(SyntaxError.class, () -> parse("c t"));
        assertEquals(ErrorKind.AMBIGUOUS, error.kind());
        assertEquals(0, error.tokenIndex());
    }

    @Test
    void shouldPointAtTheBadTokenWhenInputIsInvalid()
    {
        final SyntaxError error = assertThrows(SyntaxError.class, () -> parse("show  bogus"));
        assertEquals(ErrorKind.INVALID_INPUT, error.kind());
        assertEquals(6, error.column());
    }

    @Test
    void shouldReportIncompleteWhenLineEndsEarly()
    {
        assertEquals(ErrorKind.INCOMPLETE, assertThrows(SyntaxError.class, () -> parse("show")).kind());
    }

    @Test
    void shouldGiveTheRangeAsReasonWhenNumberIsOutOfRange()
    {
        final SyntaxError error = assertThrows(SyntaxError.class, () -> parse("set 700"));
        assertEquals(ErrorKind.INVALID_INPUT, error.kind());
        assertEquals("700 is out of range 15-600", error.reason());
    }

    @Test
    void shouldBindOptionalFlagAndRepeatedValuesWhenPresent() throws SyntaxError
    {
        assertTrue(parse("set 20 fast").arguments().has("fast"));
        assertEquals(List.of("a", "b", "c"), parse("pools a b c").arguments().all("pool"));
        assertThrows(SyntaxError.class, () -> parse("pools a b c d"));
        assertEquals(List.of("ssl-client", "ikev2"), parse("proto ssl ikev2").arguments().all("p"));
        assertEquals(ErrorKind.AMBIGUOUS, assertThrows(SyntaxError.class, () -> parse("proto ikev")).kind());
    }

    @Test
    void shouldTakeTheRestOfTheLineWhenArgumentIsLine() throws SyntaxError
    {
        assertEquals("hello  big world", parse("banner hello  big world").arguments().get("text"));
    }

    @Test
    void shouldRenderWhatWasParsedWhenFormattingBack() throws SyntaxError
    {
        final Grammar.Match<String> match = parse("se 0020 f");
        assertEquals("set 20 fast", Syntax.render(match.declaration().syntax(), match.arguments()));
    }

    @Test
    void shouldRejectNamesWithQuotesSpacesOrTooLongWhenParsingName()
    {
        assertThrows(IllegalArgumentException.class, () -> ArgTypes.NAME.parse("\"x;"));
        assertThrows(IllegalArgumentException.class, () -> ArgTypes.NAME.parse("x".repeat(65)));
        assertThrows(IllegalArgumentException.class, () -> ArgTypes.NAME.parse("caf\u00e9"));
        assertEquals("x".repeat(64), ArgTypes.NAME.parse("x".repeat(64)));
    }

    @Test
    void shouldRejectNonContiguousMaskAndReversedRange()
    {
        assertThrows(IllegalArgumentException.class, () -> ArgTypes.MASK.parse("255.0.255.0"));
        assertThrows(IllegalArgumentException.class, () -> ArgTypes.IPV4_RANGE.parse("10.0.0.10-10.0.0.1"));
        assertThrows(IllegalArgumentException.class, () -> ArgTypes.IPV4.parse("10.0.0.256"));
        assertThrows(IllegalArgumentException.class, () -> ArgTypes.IPV4.parse("010.0.0.1"));
        assertEquals("255.255.255.0", ArgTypes.MASK.format(ArgTypes.MASK.parse("255.255.255.0")));
    }
}
