Console.WriteLine("proxe");
