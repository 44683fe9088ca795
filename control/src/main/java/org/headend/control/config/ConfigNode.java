package org.headend.control.config;

import java.util.ArrayList;
import java.util.List;
import org.headend.control.config.grammar.Arguments;

/**
 * One line of the running configuration and, for a sub-mode line, the lines under it. The command is always
 * canonical (aliases are stored as what they stand for), so the key and the printed form are normalized.
 */
final class ConfigNode
{
    final ConfigCommand command;
    final Arguments args;
    final String key;
    final String entity;
    /** Where the line was last set, so compile errors can name it. */
    final String source;
    final int line;
    final List<ConfigNode> children;

    ConfigNode(final ConfigCommand command, final Arguments args, final String source, final int line,
        final List<ConfigNode> children)
    {
        this.command = command;
        this.args = args;
        this.key = command.key(args);
        this.entity = command.entity(args);
        this.source = source;
        this.line = line;
        this.children = children;
    }

    ConfigNode deepCopy()
    {
        final List<ConfigNode> copied = new ArrayList<>(children.size());
        for (final ConfigNode child : children)
        {
            copied.add(child.deepCopy());
        }
        return new ConfigNode(command, args, source, line, copied);
    }

    String render()
    {
        return command.render(args);
    }

    /** Whether {@code show running-config} prints it: sub-mode lines only with something under them. */
    boolean printable()
    {
        if (command.submode() == null || command.printWhenEmpty())
        {
            return true;
        }
        return children.stream().anyMatch(ConfigNode::printable);
    }
}
