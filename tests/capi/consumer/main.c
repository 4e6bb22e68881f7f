/*
 * A program outside the procfd tree, built against an installed procfd:
 * CMakeLists.txt here finds it with find_package, Makefile with pkg-config.
 * It exits 0 only if the header and the library agree and a process ran.
 */
#include <stdio.h>
#include <string.h>

#include <procfd.h>

int main(void)
{
	char header_version[32];
	snprintf(header_version, sizeof header_version, "%d.%d.%d", PROCFD_VERSION_MAJOR,
	         PROCFD_VERSION_MINOR, PROCFD_VERSION_PATCH);
	if (strcmp(header_version, procfd_version()) != 0) {
		fprintf(stderr, "header %s, library %s\n", header_version, procfd_version());
		return 1;
	}

	char *argv[] = {"sh", "-c", "exit 3", NULL};
	procfd_t *h;
	int rc = procfd_spawn(&h, "/bin/sh", argv, NULL, NULL);
	if (rc < 0) {
		fprintf(stderr, "procfd_spawn: %s\n", procfd_strerror(rc));
		return 1;
	}
	procfd_status_t st;
	rc = procfd_wait(h, -1, &st);
	procfd_close(h);
	if (rc < 0 || !st.exited || st.code != 3) {
		fprintf(stderr, "procfd_wait: %s\n", rc < 0 ? procfd_strerror(rc) : "wrong status");
		return 1;
	}
	printf("consumer: libprocfd %s (%s backend): sh exited with %d\n", procfd_version(),
	       procfd_default_backend(), st.code);
	return 0;
}
