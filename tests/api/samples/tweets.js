window.YTD.tweets.part0 = [
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [ "1712345678901234567" ],
          "editableUntil" : "2023-10-12T09:41:07.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"https://tribune.example\" rel=\"nofollow\">Tribune</a>",
      "entities" : {
        "hashtags" : [ { "text" : "rentrée", "indices" : [ "40", "48" ] } ],
        "symbols" : [ ],
        "user_mentions" : [ ],
        "urls" : [ ]
      },
      "display_text_range" : [ "0", "48" ],
      "favorite_count" : "42",
      "id_str" : "1712345678901234567",
      "truncated" : false,
      "retweet_count" : "7",
      "id" : "1712345678901234567",
      "created_at" : "Thu Oct 12 08:41:07 +0000 2023",
      "favorited" : false,
      "full_text" : "Nos nouveaux horaires &amp; nos ateliers #rentrée",
      "lang" : "fr"
    }
  },
  {
    "tweet" : {
      "retweeted" : false,
      "entities" : { "hashtags" : [ ], "symbols" : [ ], "user_mentions" : [ ], "urls" : [ ] },
      "display_text_range" : [ "0", "57" ],
      "favorite_count" : "3",
      "in_reply_to_status_id_str" : "1712000000000000000",
      "id_str" : "1712400000000000001",
      "in_reply_to_user_id" : "12345",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1712400000000000001",
      "in_reply_to_status_id" : "1712000000000000000",
      "created_at" : "Thu Oct 12 14:02:55 +0000 2023",
      "favorited" : false,
      "full_text" : "@client_lyon Merci ! La boutique de Lyon ouvre à 9 h.",
      "lang" : "fr",
      "in_reply_to_screen_name" : "client_lyon",
      "in_reply_to_user_id_str" : "12345"
    }
  },
  {
    "tweet" : {
      "retweeted" : false,
      "entities" : { "hashtags" : [ ], "symbols" : [ ], "user_mentions" : [ { "screen_name" : "partenaire", "id_str" : "999" } ], "urls" : [ ] },
      "favorite_count" : "0",
      "id_str" : "1712500000000000002",
      "retweet_count" : "12",
      "id" : "1712500000000000002",
      "created_at" : "Fri Oct 13 07:15:00 +0000 2023",
      "full_text" : "RT @partenaire: Le salon ouvre demain !",
      "lang" : "fr"
    }
  }
]
