package io.memagent.testapps;

/** A tool that makes no profiled call: waits the given milliseconds (0: none), prints one line and exits. */
public class NoCallsApp {
    public static void main(String[] args) throws Exception {
        Thread.sleep(Long.parseLong(args[0]));
        System.out.println("done");
    }
}
