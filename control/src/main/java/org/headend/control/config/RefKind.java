package org.headend.control.config;

import java.util.Set;

/** The kinds of named objects one configuration line may refer to from another. */
public enum RefKind
{
    POOL("ip local pool", Set.of()),
    GROUP_POLICY("group-policy", Set.of(HeadendConfig.DEFAULT_GROUP_POLICY)),
    TUNNEL_GROUP("tunnel-group", Set.of(HeadendConfig.DEFAULT_TUNNEL_GROUP, HeadendConfig.DEFAULT_RA_GROUP)),
    USER("username", Set.of()),
    IPV6_POOL("ipv6 local pool", Set.of()),
    PROFILE("anyconnect profiles", Set.of()),
    AAA_SERVER("aaa-server", Set.of(AaaServerGroup.LOCAL)),
    LDAP_ATTRIBUTE_MAP("ldap attribute-map", Set.of());

    private final String noun;
    private final Set<String> builtIn;

    RefKind(final String noun, final Set<String> builtIn)
    {
        this.noun = noun;
        this.builtIn = builtIn;
    }

    /** How the operator's messages name the kind, e.g. {@code group-policy}. */
    public String noun()
    {
        return noun;
    }

    /** The names that exist without being configured and cannot be deleted. */
    public Set<String> builtIn()
    {
        return builtIn;
    }
}
