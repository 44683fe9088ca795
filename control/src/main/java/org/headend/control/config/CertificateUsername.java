package org.headend.control.config;

import java.util.Locale;

/**
 * A tunnel-group's {@code username-from-certificate} (general-attributes): which part of the client certificate
 * names the user. The secondary attribute is taken when the certificate lacks the primary one.
 *
 * @param primary    the attribute tried first
 * @param secondary  the attribute tried when the primary is absent, or null
 * @param entireName {@code use-entire-name}: the whole subject DN (RFC 2253) is the user name
 */
public record CertificateUsername(Attribute primary, Attribute secondary, boolean entireName)
{
    /** As on the ASA: the subject's CN. */
    public static final CertificateUsername DEFAULT = new CertificateUsername(Attribute.CN, null, false);

    /** The certificate attributes the ASA offers, by their ASA names. */
    public enum Attribute
    {
        C("2.5.4.6", "Country"),
        CN("2.5.4.3", "Common Name"),
        DNQ("2.5.4.46", "DN qualifier"),
        EA("1.2.840.113549.1.9.1", "E-mail address"),
        GENQ("2.5.4.44", "Generational qualifier"),
        GN("2.5.4.42", "Given name"),
        I("2.5.4.43", "Initials"),
        L("2.5.4.7", "Locality"),
        N("2.5.4.41", "Name"),
        O("2.5.4.10", "Organization"),
        OU("2.5.4.11", "Organizational unit"),
        SER("2.5.4.5", "Serial number"),
        SN("2.5.4.4", "Surname"),
        SP("2.5.4.8", "State or province"),
        T("2.5.4.12", "Title"),
        UID("0.9.2342.19200300.100.1.1", "User ID"),
        /** Not in the subject: the Microsoft UPN other-name of the subject alternative names. */
        UPN("1.3.6.1.4.1.311.20.2.3", "User principal name (subject alternative name)");

        private final String oid;
        private final String help;

        Attribute(final String oid, final String help)
        {
            this.oid = oid;
            this.help = help;
        }

        public String oid()
        {
            return oid;
        }

        public String help()
        {
            return help;
        }

        /** The word of the command line, e.g. {@code CN}. */
        public String word()
        {
            return name();
        }

        /** The attribute named {@code word}, case-insensitively. */
        public static Attribute of(final String word)
        {
            return valueOf(word.toUpperCase(Locale.ROOT));
        }
    }
}
