package org.headend.control.config;

import java.util.List;
import java.util.Map;

/**
 * An {@code ldap attribute-map NAME}: which LDAP attributes carry which appliance attribute, and how their values
 * translate.
 *
 * @param name   the map's name
 * @param names  {@code map-name LDAP-ATTRIBUTE CISCO-ATTRIBUTE}: LDAP attribute (lower case) → what it carries
 * @param values {@code map-value LDAP-ATTRIBUTE LDAP-VALUE VALUE} lines in configuration order (the first that
 *               matches one of the user's values wins)
 */
public record LdapAttributeMap(String name, Map<String, Target> names, List<ValueMapping> values)
{
    /** The appliance attributes an LDAP attribute may be mapped to. */
    public enum Target
    {
        /** {@code Group-Policy}: the group-policy of the session. */
        GROUP_POLICY("Group-Policy"),
        /** {@code IETF-Radius-Class}: the ASA's other spelling of the group-policy ({@code OU=NAME;} or NAME). */
        IETF_RADIUS_CLASS("IETF-Radius-Class");

        private final String word;

        Target(final String word)
        {
            this.word = word;
        }

        public String word()
        {
            return word;
        }
    }

    /**
     * One {@code map-value} line.
     *
     * @param attribute the LDAP attribute, lower case
     * @param ldapValue the LDAP value to match (a DN is compared as a DN)
     * @param value     what it becomes, e.g. a group-policy name
     */
    public record ValueMapping(String attribute, String ldapValue, String value)
    {
    }
}
