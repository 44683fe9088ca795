package org.headend.control.config.grammar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The ASA's abbreviation rule where a keyword is also the first part of hyphenated ones: {@code show vpn
 * load-balancing} and {@code show vpn-sessiondb anyconnect} live side by side, and {@code sh vpn any} still means the
 * second.
 */
class HyphenatedAbbreviationTest
{
    private static Grammar<String> grammar()
    {
        final Grammar<String> g = new Grammar<>();
        g.add(Mode.EXEC, new SyntaxBuilder.Part().kw("show", "").kw("vpn-sessiondb", "")
            .optional(null, p -> p.kw("anyconnect", "")).elements(), "sessiondb");
        g.add(Mode.EXEC, new SyntaxBuilder.Part().kw("show", "").kw("vpn-sessiondb", "").kw("summary", "").elements(),
            "summary");
        g.add(Mode.EXEC, new SyntaxBuilder.Part().kw("show", "").kw("vpn", "").kw("load-balancing", "").elements(),
            "load-balancing");
        g.add(Mode.EXEC, new SyntaxBuilder.Part().kw("show", "").kw("version", "").elements(), "version");
        g.add(Mode.EXEC, new SyntaxBuilder.Part().kw("vpn-sessiondb", "").kw("logoff", "").kw("all", "").elements(),
            "logoff");
        g.add(Mode.EXEC, new SyntaxBuilder.Part().kw("vpn", "").kw("status", "").elements(), "vpn status");
        g.add(Mode.EXEC, new SyntaxBuilder.Part().kw("vpn", "").kw("load-balancing", "").elements(), "vpn lb");
        return g;
    }

    private static String parse(final String line) throws SyntaxError
    {
        return grammar().parse(Mode.EXEC, line, Token.split(line)).payload();
    }

    @Test
    void shouldReadShVpnAnyAsShowVpnSessiondbAnyconnect() throws SyntaxError
    {
        assertEquals("sessiondb", parse("sh vpn any"));
        assertEquals("summary", parse("sh vpn sum"));
        assertEquals("sessiondb", parse("show vpn-s anyconnect"));
    }

    @Test
    void shouldPreferTheKeywordATokenEqualsWhenThatReadingIsComplete() throws SyntaxError
    {
        assertEquals("load-balancing", parse("sh vpn load"));
        assertEquals("load-balancing", parse("show vpn load-balancing"));
        assertEquals("vpn status", parse("vpn status"));
        assertEquals("logoff", parse("vpn logoff all"));
    }

    @Test
    void shouldResolveTheNextAbbreviationAmongTheKeywordsOfEachReadingApart() throws SyntaxError
    {
        // "lo" would fit load-balancing and vpn-sessiondb's logoff: the reading without a fallback decides
        assertEquals("vpn lb", parse("vpn lo"));
        assertEquals("logoff", parse("vpn lo all"));
    }

    @Test
    void shouldReadAnExactKeywordAloneAsItsCompoundOnlyWhenTheKeywordCannotEndThere() throws SyntaxError
    {
        // "show vpn" is not a command; "show vpn-sessiondb" is
        assertEquals("sessiondb", parse("sh vpn"));
    }

    @Test
    void shouldStillRefuseAPrefixOfTwoKeywordsThatItEqualsNeither()
    {
        final SyntaxError error = assertThrows(SyntaxError.class, () -> parse("sh v"));
        assertEquals(ErrorKind.AMBIGUOUS, error.kind());
        final SyntaxError bad = assertThrows(SyntaxError.class, () -> parse("sh vpn bogus"));
        assertEquals(ErrorKind.INVALID_INPUT, bad.kind());
        assertEquals(2, bad.tokenIndex());
    }

    @Test
    void shouldOfferBothReadingsInHelp()
    {
        final String line = "show vpn ";
        final Grammar.Help help = grammar().help(Mode.EXEC, line, Token.split(line), null);
        final List<String> words = help.candidates().stream().map(Grammar.Candidate::text).toList();
        assertEquals(List.of("anyconnect", "summary", "load-balancing"), words);
    }
}
