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
    private final boolean userExec;
    private final boolean showsData;
    private final Action action;

    /** What the command does. */
    @FunctionalInterface
    public interface Action
    {
        void run(CliSession session, Arguments args) throws IOException;
    }

    /** What a show command shows: text and the same facts as data for {@code | json}. */
    @FunctionalInterface
    public interface Show
    {
        Output show(CliSession session, Arguments args) throws IOException;
    }

    private ExecCommand(final Builder b)
    {
        this.help = b.help;
        this.syntax = b.elements();
        this.inConfigModes = b.inConfigModes;
        this.userExec = b.userExec;
        this.showsData = b.showsData;
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

    /** Whether user EXEC ({@code >}) offers it too. */
    public boolean inUserExec()
    {
        return userExec;
    }

    /** Whether it produces data that {@code | json} can print. */
    public boolean showsData()
    {
        return showsData;
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
        private boolean userExec;
        private boolean showsData;
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

        /** Offered in user EXEC as well as privileged EXEC. */
        public Builder alsoInUserExec()
        {
            this.userExec = true;
            return this;
        }

        /** A show command: its output can be filtered and printed as JSON. */
        public ExecCommand shows(final Show show)
        {
            this.showsData = true;
            this.action = (session, args) -> session.emit(show.show(session, args));
            return new ExecCommand(this);
        }

        public ExecCommand does(final Action action)
        {
            this.action = action;
            return new ExecCommand(this);
        }
    }
}
