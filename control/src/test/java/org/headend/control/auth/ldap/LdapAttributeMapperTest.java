package org.headend.control.auth.ldap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.unboundid.ldap.sdk.Entry;
import java.util.List;
import java.util.Map;
import org.headend.control.config.LdapAttributeMap;
import org.junit.jupiter.api.Test;

/** What group-policy an {@code ldap attribute-map} gives a user's entry. */
class LdapAttributeMapperTest
{
    private static final LdapAttributeMap GROUPS = new LdapAttributeMap("M",
        Map.of("memberof", LdapAttributeMap.Target.GROUP_POLICY),
        List.of(new LdapAttributeMap.ValueMapping("memberof", "CN=Admins,OU=Groups,DC=example,DC=com", "ADMINS"),
            new LdapAttributeMap.ValueMapping("memberof", "cn=staff,ou=groups,dc=example,dc=com", "STAFF")));

    private static Entry user(final String attribute, final String... values)
    {
        final Entry entry = new Entry("uid=alice,ou=people,dc=example,dc=com");
        entry.addAttribute(attribute, values);
        return entry;
    }

    @Test
    void shouldMapAGroupDnWhateverItsCaseAndSpacing()
    {
        assertEquals("STAFF", LdapAttributeMapper.groupPolicy(GROUPS,
            user("memberOf", "CN=Staff, OU=Groups, DC=Example, DC=com")));
    }

    @Test
    void shouldLetTheFirstMapValueLineWinWhenTheUserIsInSeveralGroups()
    {
        assertEquals("ADMINS", LdapAttributeMapper.groupPolicy(GROUPS, user("memberOf",
            "cn=staff,ou=groups,dc=example,dc=com", "cn=admins,ou=groups,dc=example,dc=com")));
    }

    @Test
    void shouldPassASingleUnmappedValueThroughAndIgnoreSeveral()
    {
        assertEquals("cn=other,dc=example,dc=com", LdapAttributeMapper.groupPolicy(GROUPS,
            user("memberOf", "cn=other,dc=example,dc=com")), "the ASA passes an unmapped value through");
        assertNull(LdapAttributeMapper.groupPolicy(GROUPS, user("memberOf", "cn=a,dc=example,dc=com",
            "cn=b,dc=example,dc=com")), "several unmapped groups name no policy");
        assertNull(LdapAttributeMapper.groupPolicy(GROUPS, user("description", "STAFF")),
            "attributes the map does not name are not read");
        assertNull(LdapAttributeMapper.groupPolicy(null, user("memberOf", "STAFF")));
    }

    @Test
    void shouldReadTheRadiusClassSpellingOfTheGroupPolicy()
    {
        final LdapAttributeMap byClass = new LdapAttributeMap("C",
            Map.of("departmentnumber", LdapAttributeMap.Target.IETF_RADIUS_CLASS), List.of());
        assertEquals("ENG", LdapAttributeMapper.groupPolicy(byClass, user("departmentNumber", "OU=ENG;")));
        assertEquals("ENG", LdapAttributeMapper.groupPolicy(byClass, user("departmentNumber", "ENG")));
    }
}
