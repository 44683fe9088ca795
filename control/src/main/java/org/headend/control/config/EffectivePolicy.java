package org.headend.control.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The resolved policy of one session: for each attribute, the first level of the inheritance chain that sets it.
 * Chain, most specific first: user attributes, the user's {@code vpn-group-policy}, the tunnel-group's
 * {@code default-group-policy}, {@code DfltGrpPolicy}; then the attribute's built-in default.
 */
public final class EffectivePolicy
{
    private final List<PolicyAttributes> chain;
    private final String groupPolicyName;

    private EffectivePolicy(final List<PolicyAttributes> chain, final String groupPolicyName)
    {
        this.chain = chain;
        this.groupPolicyName = groupPolicyName;
    }

    static EffectivePolicy resolve(final HeadendConfig config, final String tunnelGroupName, final String username)
    {
        final List<PolicyAttributes> chain = new ArrayList<>(4);
        final UserAccount user = username == null ? null : config.users().get(username);
        final TunnelGroup group = tunnelGroupName == null ? config.defaultTunnelGroup()
            : config.tunnelGroups().getOrDefault(tunnelGroupName, config.defaultTunnelGroup());
        String groupPolicy = group.defaultGroupPolicy();
        if (user != null)
        {
            chain.add(user.attributes());
            if (user.vpnGroupPolicy() != null && config.groupPolicies().containsKey(user.vpnGroupPolicy()))
            {
                groupPolicy = user.vpnGroupPolicy();
                chain.add(config.groupPolicies().get(user.vpnGroupPolicy()).attributes());
            }
        }
        final GroupPolicy tunnelGroupPolicy = config.groupPolicies().get(group.defaultGroupPolicy());
        if (tunnelGroupPolicy != null)
        {
            chain.add(tunnelGroupPolicy.attributes());
        }
        chain.add(config.groupPolicies().get(HeadendConfig.DEFAULT_GROUP_POLICY).attributes());
        return new EffectivePolicy(List.copyOf(chain), groupPolicy);
    }

    /** The effective value of {@code attribute}. */
    public <T> T get(final PolicyAttribute<T> attribute)
    {
        for (final PolicyAttributes level : chain)
        {
            if (level.isSet(attribute))
            {
                return level.get(attribute);
            }
        }
        return attribute.defaultValue();
    }

    /** Whether some level of the chain sets {@code attribute} (else {@link #get} answers its built-in default). */
    public boolean isSet(final PolicyAttribute<?> attribute)
    {
        for (final PolicyAttributes level : chain)
        {
            if (level.isSet(attribute))
            {
                return true;
            }
        }
        return false;
    }

    /** The name of the group-policy the session is reported under ({@code show vpn-sessiondb}). */
    public String groupPolicyName()
    {
        return groupPolicyName;
    }
}
