package org.headend.control.config;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.LDAPException;
import java.util.Locale;
import org.headend.control.config.grammar.ArgType;

/** The argument types of the LDAP lines: distinguished names, attribute names, {@code map-value} pairs. */
final class LdapArgTypes
{
    /** The longest DN or attribute value accepted in the configuration. */
    static final int MAX_DN_LENGTH = 1024;

    /**
     * A distinguished name, the rest of the line (DNs hold blanks: {@code CN=VPN Service,CN=Users,…}). The grammar
     * hands rest-of-line arguments over as typed; the compiler checks them with {@link ArgType#parse}.
     */
    static final ArgType<String> DN_LINE = new DnLine();
    /** An LDAP attribute description: a letter, then letters, digits and {@code -} (RFC 4512 keystring). */
    static final ArgType<String> ATTRIBUTE = new Attribute(false);
    /**
     * An attribute an {@code ldap attribute-map} (or a SAML IdP's {@code username-attribute}) names: an LDAP
     * attribute name, or a SAML attribute's URI name as IdPs send them ({@code urn:oid:0.9.2342.19200300.100.1.1},
     * {@code http://schemas.microsoft.com/ws/2008/06/identity/claims/groups}).
     */
    static final ArgType<String> MAPPED_ATTRIBUTE = new Attribute(true);
    /** What an LDAP attribute may be mapped to, case-insensitive: {@code Group-Policy}, {@code IETF-Radius-Class}. */
    static final ArgType<LdapAttributeMap.Target> TARGET = new TargetType();
    /**
     * {@code LDAP-VALUE VALUE}: the value to match (quoted when it holds blanks) and what it becomes; the rest of the
     * line, split by {@link #mapValue}.
     */
    static final ArgType<String> MAP_VALUE = new MapValueType();

    private LdapArgTypes()
    {
    }

    /** The two halves of a {@code map-value} line after the attribute. */
    record MapValue(String ldapValue, String value)
    {
    }

    private static void requireText(final String text, final String what)
    {
        if (text.isEmpty() || text.length() > MAX_DN_LENGTH)
        {
            throw new IllegalArgumentException(what + " must be 1-" + MAX_DN_LENGTH + " characters");
        }
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c < ' ' || c == 0x7F)
            {
                throw new IllegalArgumentException(what + " contains a control character");
            }
        }
    }

    private static final class DnLine implements ArgType<String>
    {
        @Override
        public String parse(final String token)
        {
            final String text = token.strip();
            requireText(text, "the DN");
            try
            {
                new DN(text);
            }
            catch (final LDAPException ex)
            {
                throw new IllegalArgumentException("not a valid DN: " + ex.getMessage());
            }
            return text;
        }

        @Override
        public String format(final String value)
        {
            return value;
        }

        @Override
        public String syntax()
        {
            return "DN";
        }

        @Override
        public boolean restOfLine()
        {
            return true;
        }
    }

    private static final class Attribute implements ArgType<String>
    {
        /** A URI: urn:NID:… or http(s)://…, printable ASCII without blanks or quotes, at most 256 characters. */
        private static final java.util.regex.Pattern URI = java.util.regex.Pattern.compile(
            "(?i)(urn:[a-z0-9][a-z0-9-]{0,31}:|https?://)[\\x21\\x23-\\x7e]{1,240}");
        private final boolean uris;

        private Attribute(final boolean uris)
        {
            this.uris = uris;
        }

        @Override
        public String parse(final String token)
        {
            if (uris && URI.matcher(token).matches())
            {
                return token;
            }
            if (!token.matches("[A-Za-z][A-Za-z0-9-]{0,63}"))
            {
                throw new IllegalArgumentException("an LDAP attribute name is a letter followed by at most 63 "
                    + "letters, digits or '-'" + (uris ? "; a SAML attribute name may also be a URI (urn:oid:… or "
                    + "http(s)://…, at most 256 characters, no blanks or quotes)" : ""));
            }
            return token;
        }

        @Override
        public String format(final String value)
        {
            return value;
        }

        @Override
        public String syntax()
        {
            return "ATTRIBUTE";
        }
    }

    private static final class TargetType implements ArgType<LdapAttributeMap.Target>
    {
        @Override
        public LdapAttributeMap.Target parse(final String token)
        {
            for (final LdapAttributeMap.Target target : LdapAttributeMap.Target.values())
            {
                if (target.word().equalsIgnoreCase(token))
                {
                    return target;
                }
            }
            throw new IllegalArgumentException("LDAP attributes map to Group-Policy or IETF-Radius-Class");
        }

        @Override
        public String format(final LdapAttributeMap.Target value)
        {
            return value.word();
        }

        @Override
        public String syntax()
        {
            return "Group-Policy|IETF-Radius-Class";
        }
    }

    /** Splits and checks the rest of a {@code map-value} line. */
    static MapValue mapValue(final String token)
    {
        final String text = token.strip();
        final String ldapValue;
        final String rest;
        if (text.startsWith("\""))
        {
            final int close = text.indexOf('"', 1);
            if (close < 0)
            {
                throw new IllegalArgumentException("the quoted LDAP value has no closing quote");
            }
            ldapValue = text.substring(1, close);
            rest = text.substring(close + 1).strip();
        }
        else
        {
            final int blank = text.lastIndexOf(' ');
            if (blank < 0)
            {
                throw new IllegalArgumentException("give the LDAP value and the value it maps to");
            }
            ldapValue = text.substring(0, blank).strip();
            rest = text.substring(blank + 1);
        }
        requireText(ldapValue, "the LDAP value");
        if (ldapValue.indexOf('"') >= 0)
        {
            throw new IllegalArgumentException("the LDAP value may not contain a quote");
        }
        if (rest.isEmpty() || rest.indexOf(' ') >= 0 || rest.indexOf('"') >= 0)
        {
            throw new IllegalArgumentException("give one value after the LDAP value, e.g. a group-policy name");
        }
        return new MapValue(ldapValue, org.headend.control.config.grammar.ArgTypes.NAME.parse(rest));
    }

    private static final class MapValueType implements ArgType<String>
    {
        @Override
        public String parse(final String token)
        {
            mapValue(token);
            return token.strip();
        }

        @Override
        public String format(final String value)
        {
            return value;
        }

        @Override
        public String syntax()
        {
            return "LDAP-VALUE VALUE";
        }

        @Override
        public boolean restOfLine()
        {
            return true;
        }
    }

    /** The lower-case key an LDAP attribute name is compared by (names are case-insensitive). */
    static String key(final String attribute)
    {
        return attribute.toLowerCase(Locale.ROOT);
    }
}
