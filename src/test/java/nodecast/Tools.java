package nodecast;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The programs from Debian's packages that tests run for real. Without one the test is skipped,
 * except under CI ({@code CI=true}), where that is a failure.
 */
final class Tools {
    private Tools() {
    }

    /** {@code name} found on the PATH (or in /usr/sbin, where Debian puts daemons), by its path. */
    static String require(String name, String debianPackage) {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin";
        for (String dir : path.split(File.pathSeparator)) {
            File candidate = new File(dir, name);
            if (candidate.canExecute()) {
                return candidate.getPath();
            }
        }
        missing(name + " is not installed (apt-get install -y " + debianPackage + ")");
        return null;
    }

    /** {@code binary}, at the path Debian's package puts it. */
    static void require(Path binary, String debianPackage) {
        if (!Files.isExecutable(binary)) {
            missing(binary + " is not installed (apt-get install -y " + debianPackage + ")");
        }
    }

    private static void missing(String what) {
        if ("true".equals(System.getenv("CI"))) {
            fail(what);
        }
        System.out.println("skipped: " + what);
        assumeTrue(false, what);
    }
}
