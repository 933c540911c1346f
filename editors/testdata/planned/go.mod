module example.com/planned

go 1.22
