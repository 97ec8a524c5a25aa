package io.memagent.agent.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ProcessIdTest {
    @Test
    void isThisProcesssAsTheJdkSaysIt() {
        assertEquals(ProcessHandle.current().pid(), ProcessId.current());
    }
}
