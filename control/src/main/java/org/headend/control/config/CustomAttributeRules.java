package org.headend.control.config;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * The values the AnyConnect client accepts for the custom attribute types it knows (the deferred-update table of the
 * ASA's AnyConnect chapter, and DSCP preservation). Values are case-sensitive, as the client reads them. Types not
 * listed here are the operator's own and take any text. A value spread over several {@code anyconnect-custom-data}
 * lines of one name is checked as the concatenation the client receives.
 */
public final class CustomAttributeRules
{
    /** Type → what its whole value must look like, and how to say so. */
    private static final Map<String, Rule> RULES = Map.of(
        "DeferredUpdateAllowed", new Rule("true|false", "true or false"),
        "DeferredUpdateMinimumVersion", new Rule("[0-9]{1,5}\\.[0-9]{1,5}\\.[0-9]{1,5}", "a version x.y.z"),
        "DeferredUpdateDismissTimeout", new Rule("[0-9]{1,3}", "seconds from 0 to 300", 0, 300),
        "DeferredUpdateDismissResponse", new Rule("defer|update", "defer or update"),
        "DSCPPreservationAllowed", new Rule("true|false", "true or false"));

    private record Rule(Pattern pattern, String what, int min, int max)
    {
        Rule(final String regex, final String what)
        {
            this(Pattern.compile(regex), what, 0, Integer.MAX_VALUE);
        }

        Rule(final String regex, final String what, final int min, final int max)
        {
            this(Pattern.compile(regex), what, min, max);
        }
    }

    private CustomAttributeRules()
    {
    }

    /** Whether the client knows {@code type} (its values are then checked). */
    public static boolean known(final String type)
    {
        return RULES.containsKey(type);
    }

    /** Null when {@code value} is acceptable for {@code type}, else why not. */
    public static String check(final String type, final String value)
    {
        final Rule rule = RULES.get(type);
        if (rule == null)
        {
            return null;
        }
        final boolean ok = rule.pattern().matcher(value).matches()
            && (rule.max() == Integer.MAX_VALUE || inRange(value, rule.min(), rule.max()));
        return ok ? null : type + " must be " + rule.what() + ", not '" + value + "'";
    }

    private static boolean inRange(final String value, final int min, final int max)
    {
        final int n = Integer.parseInt(value);
        return n >= min && n <= max;
    }
}
