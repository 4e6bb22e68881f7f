/*
 * test_dll_child.c - the child program of test_dll.c, built with mingw-w64
 * beside it. What it does is in argv[1]:
 *
 *   exit N        exit with code N
 *   sleep MS      sleep MS milliseconds, then exit 0
 *   echo TEXT     write TEXT to standard output, exit 0
 *   exitenv NAME  exit with the number in the variable NAME (99: unset)
 *   argv0         exit 0 if argv[2] is ARG_PROBE exactly, else 1
 *   hasstd        exit 0 if it has standard input, output and error
 *                 handles, else the bits of those it lacks (1, 2, 4)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "test_dll_child.h"

int main(int argc, char **argv)
{
	if (argc < 2)
		return 100;
	if (strcmp(argv[1], "exit") == 0 && argc == 3)
		return atoi(argv[2]);
	if (strcmp(argv[1], "sleep") == 0 && argc == 3) {
		Sleep((DWORD)atoi(argv[2]));
		return 0;
	}
	if (strcmp(argv[1], "echo") == 0 && argc == 3) {
		fputs(argv[2], stdout);
		return fflush(stdout) == 0 ? 0 : 101;
	}
	if (strcmp(argv[1], "exitenv") == 0 && argc == 3) {
		const char *v = getenv(argv[2]);
		return v == NULL ? 99 : atoi(v);
	}
	if (strcmp(argv[1], "argv0") == 0 && argc == 3)
		return strcmp(argv[2], ARG_PROBE) == 0 ? 0 : 1;
	if (strcmp(argv[1], "hasstd") == 0) {
		DWORD std[] = {STD_INPUT_HANDLE, STD_OUTPUT_HANDLE, STD_ERROR_HANDLE};
		int lacks = 0;
		for (int i = 0; i < 3; i++) {
			HANDLE h = GetStdHandle(std[i]);
			if (h == NULL || h == INVALID_HANDLE_VALUE)
				lacks |= 1 << i;
		}
		return lacks;
	}
	return 100;
}
