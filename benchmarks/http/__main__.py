from benchmarks.http.run import main

main()
