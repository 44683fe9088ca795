package org.headend.control.cli;

import java.io.IOException;
import java.util.List;
import org.headend.control.config.grammar.Arguments;
import org.headend.control.config.grammar.Element;
import org.headend.control.config.grammar.SyntaxBuilder;

/** One exec command, declared once: its syntax, help, whether configuration modes offer it, and what it does. */
public final class ExecCommand
{
    private final String help;
    private final List<Element> syntax;
    private final boolean inConfigModes;
    private final Action action;

    /** What the command does. */
    @FunctionalInterface
    public interface Action
    {
        void run(CliSession session, Arguments args) throws IOException;
    }

    private ExecCommand(final Builder b)
    {
        this.help = b.help;
        this.syntax = b.elements();
        this.inConfigModes = b.inConfigModes;
        this.action = b.action;
    }

    public static Builder declare(final String help)
    {
        return new Builder(help);
    }

    public String help()
    {
        return help;
    }

    public List<Element> syntax()
    {
        return syntax;
    }

    /** Whether it may be typed in configuration modes too, as the ASA allows for {@code show} and {@code write}. */
    public boolean inConfigModes()
    {
        return inConfigModes;
    }

    Action action()
    {
        return action;
    }

    /** Builds an {@link ExecCommand}. */
    public static final class Builder extends SyntaxBuilder<Builder>
    {
        private final String help;
        private boolean inConfigModes;
        private Action action;

        private Builder(final String help)
        {
            this.help = help;
        }

        @Override
        protected Builder self()
        {
            return this;
        }

        public Builder alsoInConfigModes()
        {
            this.inConfigModes = true;
            return this;
        }

        public ExecCommand does(final Action action)
        {
            this.action = action;
            return new ExecCommand(this);
        }
    }
}
