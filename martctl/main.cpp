// martctl: the command-line client of martd. All logic lives in martctl_lib.
#include "martctl/app.h"

int main(int argc, char** argv) { return mart::cli::Run(argc, argv); }
