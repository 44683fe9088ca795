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
    private final List<Level> chain;
    private final String groupPolicyName;

    /** Where an effective value comes from, most specific first. */
    public enum LevelKind
    {
        /** {@code username NAME attributes} (and its {@code webvpn} sub-mode). */
        USER,
        /** The group-policy the user's {@code vpn-group-policy} names. */
        USER_GROUP_POLICY,
        /** The {@code default-group-policy} of the tunnel-group the client logged in to. */
        TUNNEL_GROUP_POLICY,
        /** {@code DfltGrpPolicy}, which every group-policy inherits from. */
        DEFAULT_GROUP_POLICY,
        /** Nothing sets it: the attribute's built-in default. */
        BUILT_IN
    }

    /**
     * One level of the chain.
     *
     * @param kind       which level it is
     * @param name       the user or group-policy name; empty for the built-in default
     * @param attributes what the level sets
     */
    private record Level(LevelKind kind, String name, PolicyAttributes attributes)
    {
    }

    /**
     * The level an effective value was taken from.
     *
     * @param kind which level
     * @param name the user or group-policy name; empty for the built-in default
     */
    public record Source(LevelKind kind, String name)
    {
        static final Source BUILT_IN = new Source(LevelKind.BUILT_IN, "");

        /** For the CLI, e.g. {@code group-policy GP (tunnel-group default)}. */
        public String describe()
        {
            return switch (kind)
            {
                case USER -> "username " + name;
                case USER_GROUP_POLICY -> "group-policy " + name + " (user's vpn-group-policy)";
                case TUNNEL_GROUP_POLICY -> "group-policy " + name + " (tunnel-group default)";
                case DEFAULT_GROUP_POLICY -> "group-policy " + name;
                case BUILT_IN -> "built-in default";
            };
        }
    }

    private EffectivePolicy(final List<Level> chain, final String groupPolicyName)
    {
        this.chain = chain;
        this.groupPolicyName = groupPolicyName;
    }

    static EffectivePolicy resolve(final HeadendConfig config, final String tunnelGroupName, final String username,
        final String assignedGroupPolicy)
    {
        final List<Level> chain = new ArrayList<>(4);
        final UserAccount user = username == null ? null : config.users().get(username);
        final TunnelGroup group = tunnelGroupName == null ? config.defaultTunnelGroup()
            : config.tunnelGroups().getOrDefault(tunnelGroupName, config.defaultTunnelGroup());
        String groupPolicy = group.defaultGroupPolicy();
        if (user != null)
        {
            chain.add(new Level(LevelKind.USER, user.name(), user.attributes()));
        }
        // the AAA server's answer is the fresher word: an assigned policy takes the place of the local vpn-group-policy
        final String userGroupPolicy = assignedGroupPolicy != null
            && config.groupPolicies().containsKey(assignedGroupPolicy) ? assignedGroupPolicy
            : user == null ? null : user.vpnGroupPolicy();
        if (userGroupPolicy != null && config.groupPolicies().containsKey(userGroupPolicy))
        {
            groupPolicy = userGroupPolicy;
            addPolicy(chain, LevelKind.USER_GROUP_POLICY, config.groupPolicies().get(userGroupPolicy));
        }
        final GroupPolicy tunnelGroupPolicy = config.groupPolicies().get(group.defaultGroupPolicy());
        // a tunnel-group whose default is DfltGrpPolicy adds nothing before the last level, which reports it
        if (tunnelGroupPolicy != null && !HeadendConfig.DEFAULT_GROUP_POLICY.equals(tunnelGroupPolicy.name()))
        {
            addPolicy(chain, LevelKind.TUNNEL_GROUP_POLICY, tunnelGroupPolicy);
        }
        addPolicy(chain, LevelKind.DEFAULT_GROUP_POLICY,
            config.groupPolicies().get(HeadendConfig.DEFAULT_GROUP_POLICY));
        return new EffectivePolicy(List.copyOf(chain), groupPolicy);
    }

    /** Adds a group-policy unless an earlier level is that same policy (it would set nothing new). */
    private static void addPolicy(final List<Level> chain, final LevelKind kind, final GroupPolicy policy)
    {
        for (final Level level : chain)
        {
            if (level.kind() != LevelKind.USER && level.name().equals(policy.name()))
            {
                return;
            }
        }
        chain.add(new Level(kind, policy.name(), policy.attributes()));
    }

    /** The effective value of {@code attribute}. */
    public <T> T get(final PolicyAttribute<T> attribute)
    {
        for (final Level level : chain)
        {
            if (level.attributes().isSet(attribute))
            {
                return level.attributes().get(attribute);
            }
        }
        return attribute.defaultValue();
    }

    /** The level {@link #get} takes the value of {@code attribute} from. */
    public Source source(final PolicyAttribute<?> attribute)
    {
        for (final Level level : chain)
        {
            if (level.attributes().isSet(attribute))
            {
                return new Source(level.kind(), level.name());
            }
        }
        return Source.BUILT_IN;
    }

    /** Whether some level of the chain sets {@code attribute} (else {@link #get} answers its built-in default). */
    public boolean isSet(final PolicyAttribute<?> attribute)
    {
        return !source(attribute).equals(Source.BUILT_IN);
    }

    /** The name of the group-policy the session is reported under ({@code show vpn-sessiondb}). */
    public String groupPolicyName()
    {
        return groupPolicyName;
    }
}
