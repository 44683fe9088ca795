package org.headend.control.config;

import java.util.List;

/**
 * A {@code tunnel-group} (connection profile).
 *
 * @param name               the tunnel-group name
 * @param type               {@code remote-access}
 * @param addressPools       {@code address-pool} names from general-attributes, in order; empty when none
 * @param defaultGroupPolicy {@code default-group-policy}; {@value HeadendConfig#DEFAULT_GROUP_POLICY} unless set
 */
public record TunnelGroup(String name, String type, List<String> addressPools, String defaultGroupPolicy)
{
}
