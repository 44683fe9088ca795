package org.headend.control.config;

import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.headend.control.config.grammar.ErrorKind;

/**
 * Compiles the command tree into an immutable {@link HeadendConfig}, checking what single lines cannot: that every
 * name refers to an object that exists, that pools do not overlap, that a nameif is used once. The first problem
 * is reported with the line it is on.
 */
final class ConfigCompiler
{
    private ConfigCompiler()
    {
    }

    static HeadendConfig compile(final ConfigTree tree) throws ConfigException
    {
        final Map<RefKind, Set<String>> defined = new EnumMap<>(RefKind.class);
        for (final RefKind kind : RefKind.values())
        {
            defined.put(kind, new HashSet<>(kind.builtIn()));
        }
        collectDefinitions(tree.roots(), defined);
        final ConfigDraft draft = new ConfigDraft();
        compile(tree.roots(), null, draft, defined);
        return draft.build();
    }

    private static void collectDefinitions(final List<ConfigNode> nodes, final Map<RefKind, Set<String>> defined)
    {
        for (final ConfigNode node : nodes)
        {
            final String name = node.command.definedName(node.args);
            if (name != null)
            {
                defined.get(node.command.defines()).add(name);
            }
            collectDefinitions(node.children, defined);
        }
    }

    private static void compile(final List<ConfigNode> nodes, final Object scope, final ConfigDraft draft,
        final Map<RefKind, Set<String>> defined) throws ConfigException
    {
        for (final ConfigNode node : nodes)
        {
            for (final Map.Entry<String, RefKind> ref : node.command.references())
            {
                for (final Object name : node.args.all(ref.getKey()))
                {
                    if (!defined.get(ref.getValue()).contains((String)name))
                    {
                        throw new ConfigException(node.source, node.line, -1, ErrorKind.REJECTED,
                            ref.getValue().noun() + " " + name + " does not exist");
                    }
                }
            }
            final Object childScope;
            try
            {
                childScope = node.command.compiler().compile(draft, scope, node.args);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new ConfigException(node.source, node.line, -1, ErrorKind.REJECTED, ex.getMessage());
            }
            compile(node.children, childScope, draft, defined);
        }
    }
}
