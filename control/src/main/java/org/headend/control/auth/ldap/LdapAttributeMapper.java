package org.headend.control.auth.ldap;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPException;
import java.util.Map;
import org.headend.control.config.LdapAttributeMap;

/**
 * Applies an {@code ldap attribute-map} to a user's entry, as the ASA does: for each {@code map-name} attribute the
 * user has, the first {@code map-value} line (in configuration order) naming one of the user's values gives the
 * appliance value; an attribute with a single value and no matching {@code map-value} passes through unchanged
 * (an attribute that holds the group-policy's name itself). Values that are DNs compare as DNs (case and blanks
 * around commas do not matter); others case-insensitively.
 */
final class LdapAttributeMapper
{
    private static final int MAX_POLICY_NAME = 64;

    private LdapAttributeMapper()
    {
    }

    /** The group-policy the map assigns to {@code entry}, or null. */
    static String groupPolicy(final LdapAttributeMap map, final Entry entry)
    {
        if (map == null)
        {
            return null;
        }
        for (final Map.Entry<String, LdapAttributeMap.Target> name : map.names().entrySet())
        {
            final String[] values = entry.getAttributeValues(name.getKey());
            if (values == null || values.length == 0)
            {
                continue;
            }
            final String mapped = mapValue(map, name.getKey(), values);
            final String value = mapped != null ? mapped : values.length == 1 ? values[0] : null;
            final String policy = value == null ? null : policyOf(name.getValue(), value);
            if (policy != null)
            {
                return policy;
            }
        }
        return null;
    }

    private static String mapValue(final LdapAttributeMap map, final String attribute, final String[] values)
    {
        for (final LdapAttributeMap.ValueMapping mapping : map.values())
        {
            if (!mapping.attribute().equals(attribute))
            {
                continue;
            }
            for (final String value : values)
            {
                if (sameValue(mapping.ldapValue(), value))
                {
                    return mapping.value();
                }
            }
        }
        return null;
    }

    /** Whether two attribute values are the same: as DNs when both are DNs, else ignoring case. */
    static boolean sameValue(final String configured, final String actual)
    {
        if (configured.indexOf('=') > 0 && actual.indexOf('=') > 0)
        {
            try
            {
                return DN.equals(configured, actual);
            }
            catch (final LDAPException ex)
            {
                // not DNs after all: compare as text
            }
        }
        return configured.equalsIgnoreCase(actual);
    }

    /** {@code IETF-Radius-Class} may carry {@code OU=NAME;} like the RADIUS attribute; {@code Group-Policy} is NAME. */
    private static String policyOf(final LdapAttributeMap.Target target, final String value)
    {
        String name = value.strip();
        if (target == LdapAttributeMap.Target.IETF_RADIUS_CLASS && name.regionMatches(true, 0, "OU=", 0, 3))
        {
            final int end = name.indexOf(';');
            name = (end < 0 ? name.substring(3) : name.substring(3, end)).strip();
        }
        return name.isEmpty() || name.length() > MAX_POLICY_NAME ? null : name;
    }
}
