/* main.c - placeholder entry point until the app lands. */
int main(void) { return 0; }
